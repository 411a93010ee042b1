from __future__ import annotations

import io

import pytest

from pensionportal.messaging.filetypes import (
    DOCX_MAIN,
    OLE2,
    XLSX_MAIN,
    FileRefused,
    identify,
)

from .helpers import CSV_BYTES, PDF_BYTES, PNG_BYTES, ooxml

XLS_BYTES = OLE2 + b"\x00" * 100 + "Workbook".encode("utf-16-le") + b"\x00" * 100


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("report.pdf", PDF_BYTES, "PDF"),
        ("scan.PNG", PNG_BYTES, "PNG"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 10, "JPEG"),
        ("anim.gif", b"GIF89a" + b"\x00" * 10, "GIF"),
        ("members.csv", CSV_BYTES, "CSV"),
        ("notes.txt", "Résumé café".encode("cp1252"), "TXT"),
        ("book.xlsx", ooxml(XLSX_MAIN), "XLSX"),
        ("letter.docx", ooxml(DOCX_MAIN), "DOCX"),
        ("old.xls", XLS_BYTES, "XLS"),
    ],
)
def test_it_accepts_allowed_types_by_content(name: str, content: bytes, kind: str) -> None:
    assert identify(name, io.BytesIO(content)).name == kind


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("setup.exe", b"MZ\x90\x00", "not an accepted type"),
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 20, "program"),
        ("fake.pdf", b"<html>hello</html>", "not a valid PDF"),
        ("fake.png", PDF_BYTES, "not a valid PNG"),
        ("binary.csv", b"a,b\n\x00\x01\x02", "not a valid CSV"),
        ("book.xlsx", ooxml(DOCX_MAIN), "not a valid XLSX"),
        ("book.xlsx", b"PK\x03\x04 not really a zip", "not a valid XLSX"),
        (
            "macro.xlsx",
            ooxml("application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
            "macros",
        ),
        ("macro.docx", ooxml(DOCX_MAIN, extra={"word/vbaProject.bin": b"x"}), "macros"),
        ("macro.xls", XLS_BYTES + "_VBA_PROJECT_CUR".encode("utf-16-le"), "macros"),
        ("doc.xls", OLE2 + b"\x00" * 200, "not a valid XLS"),
        ("macro.xlsm", ooxml(XLSX_MAIN), "not an accepted type"),
        ("noextension", PDF_BYTES, "not an accepted type"),
    ],
)
def test_it_refuses_disallowed_or_disguised_files(name: str, content: bytes, says: str) -> None:
    with pytest.raises(FileRefused) as refusal:
        identify(name, io.BytesIO(content))
    assert says in refusal.value.message
