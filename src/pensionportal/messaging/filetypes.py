"""Which attachments are accepted, judged by their content, not only their name.

Issue 4, "Attachments": an allow-list of PDF, CSV, XLSX, XLS, DOCX, TXT and common images.
The extension must be on the list *and* the bytes must be what the extension claims:
PDF ``%PDF-``; XLSX/DOCX a ZIP whose ``[Content_Types].xml`` declares the workbook or
document part (macro-enabled parts or a ``vbaProject.bin`` are refused); XLS an OLE2
compound file with a workbook stream and no VBA project; PNG/JPEG/GIF their signatures;
CSV/TXT text (UTF-8, or Windows-1252) with no NUL or other binary control bytes.
Executables are refused whatever they are called.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from typing import IO

SNIFF_BYTES = 8192
_READ = 64 * 1024
_CONTENT_TYPES_LIMIT = 1024 * 1024

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF16_VBA = "_VBA_PROJECT".encode("utf-16-le")
_UTF16_WORKBOOK = "Workbook".encode("utf-16-le")
_UTF16_BOOK = "Book".encode("utf-16-le")
_EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@dataclass(frozen=True)
class FileKind:
    name: str  # e.g. "PDF"
    content_type: str


PDF = FileKind("PDF", "application/pdf")
CSV = FileKind("CSV", "text/csv")
TXT = FileKind("TXT", "text/plain")
XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = FileKind("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLS = FileKind("XLS", "application/vnd.ms-excel")
PNG = FileKind("PNG", "image/png")
JPEG = FileKind("JPEG", "image/jpeg")
GIF = FileKind("GIF", "image/gif")

BY_EXTENSION: dict[str, FileKind] = {
    "pdf": PDF,
    "csv": CSV,
    "txt": TXT,
    "xlsx": XLSX,
    "docx": DOCX,
    "xls": XLS,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "gif": GIF,
}
ALLOWED_DESCRIPTION = "PDF, CSV, XLSX, XLS, DOCX, TXT, PNG, JPEG or GIF"


class FileRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def extension_of(filename: str) -> str:
    _, dot, ext = filename.rpartition(".")
    return ext.lower() if dot else ""


def identify(filename: str, content: IO[bytes]) -> FileKind:
    """The kind of an allowed file, or FileRefused with a message naming the file.

    `content` must be seekable; it is left at position 0.
    """
    ext = extension_of(filename)
    kind = BY_EXTENSION.get(ext)
    if kind is None:
        raise FileRefused(
            f"“{filename}” is not an accepted type of file. Send {ALLOWED_DESCRIPTION} files."
        )
    content.seek(0)
    head = content.read(SNIFF_BYTES)
    content.seek(0)
    if head.startswith(_EXECUTABLE_SIGNATURES):
        raise FileRefused(f"“{filename}” is a program, and programs are not accepted.")
    try:
        ok = _CHECKS[kind.name](head, content)
    finally:
        content.seek(0)
    if not ok:
        raise FileRefused(
            f"“{filename}” is named .{ext} but its content is not a valid {kind.name} file."
        )
    return kind


def _is_pdf(head: bytes, content: IO[bytes]) -> bool:
    return head.startswith(b"%PDF-")


def _is_png(head: bytes, content: IO[bytes]) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes, content: IO[bytes]) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_gif(head: bytes, content: IO[bytes]) -> bool:
    return head.startswith((b"GIF87a", b"GIF89a"))


def _content_types(content: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(content) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise FileRefused("macro")
            if "[Content_Types].xml" not in names:
                return None
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _CONTENT_TYPES_LIMIT:
                return None
            with archive.open(info) as entry:
                return entry.read(_CONTENT_TYPES_LIMIT).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None


def _is_ooxml(head: bytes, content: IO[bytes], main_part: str) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        declared = _content_types(content)
    except FileRefused:
        raise _macro_refusal() from None
    if declared is None:
        return False
    if "macroEnabled" in declared:
        raise _macro_refusal()
    return main_part in declared


def _macro_refusal() -> FileRefused:
    return FileRefused("Documents with macros are not accepted. Save the file without macros.")


def _is_xlsx(head: bytes, content: IO[bytes]) -> bool:
    return _is_ooxml(head, content, XLSX_MAIN)


def _is_docx(head: bytes, content: IO[bytes]) -> bool:
    return _is_ooxml(head, content, DOCX_MAIN)


def _is_xls(head: bytes, content: IO[bytes]) -> bool:
    """OLE2 compound file: directory entry names are UTF-16LE, so scan for them."""
    if not head.startswith(OLE2):
        return False
    found_workbook = False
    tail = b""
    while chunk := content.read(_READ):
        window = tail + chunk
        if _UTF16_VBA in window:
            raise _macro_refusal()
        found_workbook = found_workbook or _UTF16_WORKBOOK in window or _UTF16_BOOK in window
        tail = window[-64:]
    return found_workbook


_TEXT_CONTROLS_ALLOWED = {"\t", "\n", "\r", "\f"}


def _is_text(head: bytes, content: IO[bytes]) -> bool:
    """Text: no NUL or other C0 control bytes; UTF-8 (with or without BOM) or Windows-1252."""
    return any(_decodes_as_text(content, encoding) for encoding in ("utf-8", "cp1252"))


def _decodes_as_text(content: IO[bytes], encoding: str) -> bool:
    content.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := content.read(_READ):
            text = decoder.decode(chunk)
            if any(ch < " " and ch not in _TEXT_CONTROLS_ALLOWED for ch in text):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_CHECKS = {
    "PDF": _is_pdf,
    "PNG": _is_png,
    "JPEG": _is_jpeg,
    "GIF": _is_gif,
    "XLSX": _is_xlsx,
    "DOCX": _is_docx,
    "XLS": _is_xls,
    "CSV": _is_text,
    "TXT": _is_text,
}
