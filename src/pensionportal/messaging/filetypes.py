"""Which attachments secure messages accept (issue 4, "Attachments"): PDF, CSV, XLSX, XLS,
DOCX, TXT and common images, judged by content like every upload (`files/content.py`)."""

from __future__ import annotations

from pensionportal.files.content import FileKind

EXTENSIONS = frozenset({"pdf", "csv", "txt", "xlsx", "docx", "xls", "png", "jpg", "jpeg", "gif"})
ALLOWED_DESCRIPTION = "PDF, CSV, XLSX, XLS, DOCX, TXT, PNG, JPEG or GIF"

__all__ = ["ALLOWED_DESCRIPTION", "EXTENSIONS", "FileKind"]
