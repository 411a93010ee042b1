"""The content checks every upload goes through (files/content.py): the kinds secure
messages accept, judged by content, and refusals in words a payroll clerk understands."""

from __future__ import annotations

import io

import pytest

from pensionportal.files.content import DOCX_MAIN, OLE2, XLSX_MAIN, FileKind, FileRefused, Inspector
from pensionportal.messaging.filetypes import EXTENSIONS
from tests.messaging.helpers import CSV_BYTES, PDF_BYTES, PNG_BYTES, ooxml

from .samples import WINDOWS_PROGRAM, zip_of


def identify(
    name: str, content: io.BytesIO, allowed: frozenset[str] | None = EXTENSIONS
) -> FileKind:
    inspector = Inspector(name, allowed)
    data = content.getvalue()
    for start in range(0, len(data), 1000):
        inspector.feed(data[start : start + 1000])
    kind = inspector.verdict(lambda: io.BytesIO(data))
    assert kind is not None
    return kind


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
        ("macro.xlsm", ooxml(XLSX_MAIN), "macro.xlsm contains macros"),
        ("noextension", PDF_BYTES, "not an accepted type"),
    ],
)
def test_it_refuses_disallowed_or_disguised_files(name: str, content: bytes, says: str) -> None:
    with pytest.raises(FileRefused) as refusal:
        identify(name, io.BytesIO(content))
    assert says in refusal.value.message


FILE_UPLOAD = frozenset(
    ["csv", "tsv", "txt", "dat", "xls", "xlsx", "xml", "pdf", "doc", "docx", "zip"]
)
DOC_BYTES = OLE2 + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 100


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("members.tsv", b"a\tb\n1\t2\n", "TSV"),
        ("PAY.dat", b"C000001ALASTNAME  0250000\n", "DAT"),
        ("export.xml", b"\xef\xbb\xbf  <?xml version='1.0'?><a/>", "XML"),
        ("old.doc", DOC_BYTES, "DOC"),
        ("bundle.zip", zip_of({"a.csv": b"a,b\n", "b.pdf": PDF_BYTES}), "ZIP"),
        ("books.zip", zip_of({"book.xlsx": ooxml(XLSX_MAIN)}), "ZIP"),
    ],
)
def test_file_upload_kinds_are_accepted_by_content(name: str, content: bytes, kind: str) -> None:
    assert identify(name, io.BytesIO(content), FILE_UPLOAD).name == kind


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("export.xml", b"not xml at all", "not a valid XML file"),
        ("old.doc", XLS_BYTES, "not a valid DOC file"),
        ("bundle.zip", b"PK\x03\x04broken", "not a valid ZIP file"),
        ("bundle.zip", b"Rar!\x1a\x07\x00rest", "is a RAR archive, which cannot be checked"),
        ("files.dat", b"7z\xbc\xaf\x27\x1c\x00\x04", "is a 7-Zip archive"),
        (
            "books.zip",
            zip_of({"book.xlsx": ooxml(DOCX_MAIN, extra={"xl/vbaProject.bin": b"x"})}),
            "books.zip contains macros",
        ),
        ("books.zip", zip_of({"book.xlsm": b"x"}), "a document with macros"),
        (
            "deep.zip",
            zip_of({"1.zip": zip_of({"2.zip": zip_of({"3.zip": zip_of({"a.txt": b"x"})})})}),
            "too large or too deeply nested",
        ),
    ],
)
def test_file_upload_refuses_what_cannot_be_trusted(name: str, content: bytes, says: str) -> None:
    with pytest.raises(FileRefused) as refusal:
        identify(name, io.BytesIO(content), FILE_UPLOAD)
    assert says in refusal.value.message


def test_a_password_protected_zip_entry_is_refused() -> None:
    data = bytearray(zip_of({"a.csv": b"a,b\n"}))
    # Set the "encrypted" flag bit in the local and the central header of the one entry.
    data[6] |= 1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    with pytest.raises(FileRefused, match="password-protected"):
        identify("a.zip", io.BytesIO(bytes(data)), FILE_UPLOAD)


def test_an_unrestricted_name_of_no_known_kind_is_accepted_unless_it_is_a_program() -> None:
    inspector = Inspector("notes.unknown", None)
    inspector.feed(b"plain words")
    assert inspector.verdict(lambda: io.BytesIO(b"plain words")) is None
    inspector = Inspector("notes.unknown", None)
    inspector.feed(WINDOWS_PROGRAM)
    with pytest.raises(FileRefused, match="is a Windows program, and programs are not accepted"):
        inspector.verdict(lambda: io.BytesIO(WINDOWS_PROGRAM))


def test_text_that_merely_starts_with_mz_is_not_a_program() -> None:
    assert identify("codes.csv", io.BytesIO(b"MZ_CODE,amount\nA,1\n")).name == "CSV"
