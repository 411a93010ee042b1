"""Files a hostile or careless sender might send."""

from __future__ import annotations

import io
import zipfile

# A Windows program: "MZ", a DOS stub, and the "PE\0\0" header the stub points at.
WINDOWS_PROGRAM = b"MZ\x90\x00" + b"\x00" * 56 + b"\x40\x00\x00\x00" + b"PE\x00\x00" + b"\x00" * 200
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
MAC_PROGRAM = b"\xcf\xfa\xed\xfe" + b"\x07\x00\x00\x01" + b"\x00" * 100
SCRIPT = b"#!/bin/sh\nrm -rf /\n"
# The EICAR test string every antivirus reports (a harmless test "virus").
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
