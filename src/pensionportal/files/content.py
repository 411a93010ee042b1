"""What a file is, judged by its content as it streams in: the one place every upload is
checked (issue 4 "Attachments" first, now every upload path).

Refused whatever a file is called: programs (Windows PE, Linux ELF, Mac Mach-O, scripts
starting with `#!`), ZIP archives holding a program or a document with macros, Office files
with macros (a `vbaProject.bin`, a macro-enabled content type, an OLE2 `_VBA_PROJECT`
stream), RAR and 7-Zip archives (their content cannot be checked) and password-protected
ZIP entries. A file whose extension names a known kind must be that kind: PDF `%PDF-`;
XLSX/DOCX a ZIP whose `[Content_Types].xml` declares the workbook or document; XLS/DOC an
OLE2 compound file with a workbook or document stream; PNG/JPEG/GIF their signatures;
CSV/TSV/TXT/DAT text (UTF-8 or Windows-1252, no NUL or other control bytes); XML text that
starts with `<`; ZIP a readable archive.

`Inspector` is fed the plaintext chunk by chunk (text decoding and OLE2 scanning need no
second pass) and gives its verdict at the end, with a seekable reader for the ZIP checks
(only the central directory and the first bytes of each entry are read).
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

SNIFF_BYTES = 8192

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_VBA = "_VBA_PROJECT".encode("utf-16-le")
_UTF16_WORKBOOK = "Workbook".encode("utf-16-le")
_UTF16_BOOK = "Book".encode("utf-16-le")
_UTF16_WORD = "WordDocument".encode("utf-16-le")
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

_MAX_ENTRIES = 10_000
_MAX_NESTED_BYTES = 20 * 1024 * 1024
_MAX_DEPTH = 3
_CONTENT_TYPES_LIMIT = 1024 * 1024

PROGRAM_EXTENSIONS = frozenset(
    [
        "exe",
        "dll",
        "com",
        "scr",
        "msi",
        "msp",
        "cpl",
        "sys",
        "drv",
        "pif",
        "bat",
        "cmd",
        "ps1",
        "psm1",
        "vbs",
        "vbe",
        "js",
        "jse",
        "wsf",
        "wsh",
        "hta",
        "jar",
        "sh",
        "bash",
        "app",
        "elf",
        "so",
        "dylib",
        "bin",
        "run",
        "lnk",
        "reg",
    ]
)
MACRO_EXTENSIONS = frozenset(
    ["xlsm", "xltm", "xlsb", "xlam", "docm", "dotm", "pptm", "potm", "ppsm", "ppam"]
)


@dataclass(frozen=True)
class FileKind:
    name: str  # e.g. "PDF"
    content_type: str
    described: str  # "a PDF", "a CSV file"


PDF = FileKind("PDF", "application/pdf", "a PDF")
CSV = FileKind("CSV", "text/csv", "a CSV file")
TSV = FileKind("TSV", "text/tab-separated-values", "a TSV file")
TXT = FileKind("TXT", "text/plain", "a text file")
DAT = FileKind("DAT", "text/plain", "a data (text) file")
XML = FileKind("XML", "application/xml", "an XML file")
XLSX = FileKind(
    "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "an Excel file"
)
DOCX = FileKind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "a Word document",
)
XLS = FileKind("XLS", "application/vnd.ms-excel", "an Excel 97-2003 file")
DOC = FileKind("DOC", "application/msword", "a Word 97-2003 document")
ZIP = FileKind("ZIP", "application/zip", "a ZIP archive")
PNG = FileKind("PNG", "image/png", "a PNG image")
JPEG = FileKind("JPEG", "image/jpeg", "a JPEG image")
GIF = FileKind("GIF", "image/gif", "a GIF image")

BY_EXTENSION: dict[str, FileKind] = {
    "pdf": PDF,
    "csv": CSV,
    "tsv": TSV,
    "txt": TXT,
    "dat": DAT,
    "xml": XML,
    "xlsx": XLSX,
    "docx": DOCX,
    "xls": XLS,
    "doc": DOC,
    "zip": ZIP,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "gif": GIF,
}
TEXT_KINDS = {"CSV", "TSV", "TXT", "DAT", "XML"}


class FileRefused(Exception):
    """`message` names the file and the reason, in words a payroll clerk understands."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def extension_of(filename: str) -> str:
    return PurePosixPath(filename).suffix.lower().lstrip(".")


def program_kind(head: bytes) -> str | None:
    """What kind of program these first bytes start, or None."""
    if head.startswith(b"MZ") and (b"PE\x00\x00" in head[:4096] or b"\x00" in head[:512]):
        return "a Windows program"
    if head.startswith(b"\x7fELF"):
        return "a Linux program"
    if head[:4] in (
        b"\xfe\xed\xfa\xce",
        b"\xfe\xed\xfa\xcf",
        b"\xce\xfa\xed\xfe",
        b"\xcf\xfa\xed\xfe",
    ) or (head.startswith(b"\xca\xfe\xba\xbe") and len(head) > 8 and head[7] < 30):
        return "a Mac program"
    if head.startswith(b"#!"):
        return "a script (a program)"
    return None


def _uncheckable_archive(head: bytes) -> str | None:
    if head.startswith(b"Rar!\x1a\x07"):
        return "a RAR archive"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "a 7-Zip archive"
    return None


def _macro_refusal(filename: str) -> FileRefused:
    return FileRefused(
        f"{filename} contains macros, and documents with macros are not accepted. "
        "Save it without macros and send it again."
    )


# Text may hold tab, line feed, carriage return and form feed; no other control character.
# In UTF-8 and in Windows-1252 a control character is one byte below 0x20 (UTF-8's
# multi-byte sequences use only bytes from 0x80 up), so the raw bytes are checked once.
_CONTROLS = bytes(b for b in range(0x20) if b not in b"\t\n\r\f")
_ALL_BUT_CONTROLS = bytes(b for b in range(256) if b not in _CONTROLS)
# The five bytes Windows-1252 leaves undefined (Python refuses to decode them).
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
_ALL_BUT_CP1252_UNDEFINED = bytes(b for b in range(256) if b not in _CP1252_UNDEFINED)


class _TextScan:
    """Whether the stream is text: UTF-8 (with or without BOM) or Windows-1252, and no
    control characters but tab, line feed, carriage return and form feed."""

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self.utf8 = self.cp1252 = True
        self.controls = False

    def feed(self, data: bytes, final: bool = False) -> None:
        if self.controls:
            return
        if data.translate(None, _ALL_BUT_CONTROLS):
            self.controls = True
            return
        if self.utf8:
            try:
                self._utf8.decode(data, final=final)
            except UnicodeDecodeError:
                self.utf8 = False
        if self.cp1252 and data.translate(None, _ALL_BUT_CP1252_UNDEFINED):
            self.cp1252 = False

    @property
    def ok(self) -> bool:
        return not self.controls and (self.utf8 or self.cp1252)


class _OleScan:
    def __init__(self) -> None:
        self._tail = b""
        self.vba = self.workbook = self.word = False

    def feed(self, data: bytes) -> None:
        window = self._tail + data
        self.vba = self.vba or _UTF16_VBA in window
        self.workbook = self.workbook or _UTF16_WORKBOOK in window or _UTF16_BOOK in window
        self.word = self.word or _UTF16_WORD in window
        self._tail = window[-64:]


Reopen = Callable[[], IO[bytes]]


class Inspector:
    """Judge one file. `allowed` limits the extensions (None: any name, but programs,
    macros and disguised known kinds are still refused)."""

    def __init__(self, filename: str, allowed: frozenset[str] | None = None) -> None:
        self.filename = filename
        self.extension = extension_of(filename)
        self.kind = BY_EXTENSION.get(self.extension)
        self.allowed = allowed
        self.head = b""
        self._text = _TextScan()
        self._ole: _OleScan | None = None
        self._decided_ole = False

    def refuse_name_early(self) -> None:
        """The checks that need no content (run before a byte is stored)."""
        if self.extension in MACRO_EXTENSIONS:
            raise _macro_refusal(self.filename)
        if self.extension in PROGRAM_EXTENSIONS and self.allowed is None:
            raise FileRefused(f"{self.filename} is a program, and programs are not accepted.")
        if self.allowed is not None and self.extension not in self.allowed:
            shown = f".{self.extension} files" if self.extension else "files without an extension"
            allowed = ", ".join(sorted(self.allowed))
            raise FileRefused(
                f"{self.filename} is not an accepted type of file: {shown} cannot be sent "
                f"here (accepted: {allowed})."
            )

    def feed(self, data: bytes) -> None:
        if len(self.head) < SNIFF_BYTES:
            self.head += data[: SNIFF_BYTES - len(self.head)]
        if self.kind is not None and self.kind.name in TEXT_KINDS:
            self._text.feed(data)
        if not self._decided_ole and len(self.head) >= len(OLE2):
            self._decided_ole = True
            if self.head.startswith(OLE2):
                self._ole = _OleScan()
                self._ole.feed(self.head)
                return
        if self._ole is not None:
            self._ole.feed(data)

    def verdict(self, reopen: Reopen) -> FileKind | None:
        """The file's kind (None for an unrestricted name of no known kind), or FileRefused.
        `reopen` gives a seekable plaintext reader (used for ZIP-based files only)."""
        self.refuse_name_early()
        name, kind, head = self.filename, self.kind, self.head
        program = program_kind(head)
        if program is not None:
            if kind is None:
                raise FileRefused(f"{name} is {program}, and programs are not accepted.")
            raise FileRefused(f"{name} is {program}, not {kind.described}.")
        archive = _uncheckable_archive(head)
        if archive is not None:
            raise FileRefused(
                f"{name} is {archive}, which cannot be checked for programs. "
                "Send the files themselves, or a ZIP file."
            )
        if self._ole is not None and self._ole.vba:
            raise _macro_refusal(name)
        is_zip = head.startswith(b"PK\x03\x04")
        declared: str | None = None
        if is_zip:
            with reopen() as reader:
                is_zip, declared = _inspect_zip(name, reader, depth=0)
        if kind is None:
            return None
        if not self._matches(kind, head, is_zip, declared):
            raise FileRefused(
                f"{name} is named .{self.extension} but its content is not a valid "
                f"{kind.name} file."
            )
        return kind

    def _matches(self, kind: FileKind, head: bytes, is_zip: bool, declared: str | None) -> bool:
        if kind.name in TEXT_KINDS:
            self._text.feed(b"", final=True)
            if not self._text.ok:
                return False
            if kind.name == "XML":
                return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
            return True
        if kind.name == "PDF":
            return head.startswith(b"%PDF-")
        if kind.name == "PNG":
            return head.startswith(b"\x89PNG\r\n\x1a\n")
        if kind.name == "JPEG":
            return head.startswith(b"\xff\xd8\xff")
        if kind.name == "GIF":
            return head.startswith((b"GIF87a", b"GIF89a"))
        if kind.name == "ZIP":
            return is_zip
        if kind.name == "XLSX":
            return is_zip and declared is not None and XLSX_MAIN in declared
        if kind.name == "DOCX":
            return is_zip and declared is not None and DOCX_MAIN in declared
        if kind.name == "XLS":
            return self._ole is not None and self._ole.workbook
        if kind.name == "DOC":
            return self._ole is not None and self._ole.word
        return False


def _inspect_zip(name: str, reader: IO[bytes], depth: int) -> tuple[bool, str | None]:
    """Refuse a ZIP holding a program or macros. Returns whether it could be read and its
    `[Content_Types].xml` if any (an unreadable one: the kind check says what is wrong)."""
    try:
        archive = zipfile.ZipFile(reader)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return False, None
    with archive:
        entries = archive.infolist()
        if len(entries) > _MAX_ENTRIES:
            raise FileRefused(f"{name} holds more than {_MAX_ENTRIES} files and cannot be checked.")
        declared: str | None = None
        for entry in entries:
            if entry.is_dir():
                continue
            inner = PurePosixPath(entry.filename).name
            extension = extension_of(inner)
            if entry.filename.lower().endswith("vbaproject.bin"):
                raise _macro_refusal(name)
            if extension in MACRO_EXTENSIONS:
                raise FileRefused(
                    f"{name} holds {inner}, a document with macros; documents with macros "
                    "are not accepted, even inside a ZIP file."
                )
            if extension in PROGRAM_EXTENSIONS:
                raise FileRefused(
                    f"{name} holds a program ({inner}), and programs are not accepted, even "
                    "inside a ZIP file."
                )
            if entry.flag_bits & 0x1:
                raise FileRefused(
                    f"{name} is password-protected, so its content cannot be checked. "
                    "Send it without a password."
                )
            try:
                with archive.open(entry) as member:
                    head = member.read(SNIFF_BYTES)
                    if entry.filename == "[Content_Types].xml":
                        if entry.file_size <= _CONTENT_TYPES_LIMIT:
                            declared = (head + member.read(_CONTENT_TYPES_LIMIT)).decode(
                                "utf-8", errors="replace"
                            )
                            if "macroEnabled" in declared:
                                raise _macro_refusal(name)
                        continue
                    program = program_kind(head)
                    if program is not None:
                        raise FileRefused(
                            f"{name} holds {inner}, which is {program}; programs are not "
                            "accepted, even inside a ZIP file."
                        )
                    if head.startswith(OLE2) and _ole_has_macros(head, member):
                        raise _macro_refusal(name)
                    if head.startswith(b"PK\x03\x04"):
                        _inspect_nested(name, inner, entry, head, member, depth)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
                return False, None
        return True, declared


def _ole_has_macros(head: bytes, member: IO[bytes]) -> bool:
    scan = _OleScan()
    scan.feed(head)
    while chunk := member.read(64 * 1024):
        scan.feed(chunk)
    return scan.vba


def _inspect_nested(
    name: str, inner: str, entry: zipfile.ZipInfo, head: bytes, member: IO[bytes], depth: int
) -> None:
    if depth + 1 >= _MAX_DEPTH or entry.file_size > _MAX_NESTED_BYTES:
        raise FileRefused(
            f"{name} holds {inner}, an archive inside the archive that is too large or too "
            "deeply nested to check. Send the files themselves."
        )
    data = head + member.read(_MAX_NESTED_BYTES + 1 - len(head))
    if len(data) > _MAX_NESTED_BYTES:
        raise FileRefused(f"{name} holds {inner}, which is too large to check.")
    readable, _ = _inspect_zip(name, io.BytesIO(data), depth + 1)
    if not readable:
        raise FileRefused(f"{name} holds {inner}, a damaged archive that cannot be checked.")
