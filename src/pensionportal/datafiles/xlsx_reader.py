"""XLSX bytes to a table of cells, refusing hostile workbooks before they are expanded.

Reading uses python-calamine (Rust; several times faster than openpyxl, and its XML parser
never expands DTD entities). Before calamine sees the bytes, :func:`inspect_archive`:

* counts the zip entries and adds up their declared uncompressed sizes (caps in
  ``limits.py``), and refuses entries that claim an extreme compression ratio;
* inflates every entry in 64 KiB chunks (constant memory), so a size that lies is caught
  (Python's zipfile stops at the declared size and checks the CRC);
* refuses any ``<!DOCTYPE`` or ``<!ENTITY`` (billion laughs, external entities) - no
  genuine workbook part has one;
* refuses cell references beyond column BL or row 200,000 and a ``<dimension>`` beyond
  them, since calamine allocates the sheet as a dense grid of that size.

The first visible worksheet is read. Templates and reports are written with openpyxl,
which parses XML through defusedxml when it is installed (it is; a test checks).
"""

from __future__ import annotations

import io
import re
import zipfile

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from pensionportal.datafiles.limits import (
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
)
from pensionportal.datafiles.problems import Problem, rule
from pensionportal.datafiles.table import Table

CHUNK = 64 * 1024
OVERLAP = 64
_DANGEROUS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_REFERENCE = re.compile(rb'\br="\$?([A-Z]+)\$?(\d+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([^"]{0,40})"')
_CELL_IN_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _unsafe(message: str) -> Problem:
    return rule("file.unsafe").problem(message)


def _beyond_limits(letters: str, row: int) -> bool:
    return len(letters) > 3 or _column_number(letters) > MAX_COLUMNS or row > MAX_ROWS


def _scan_references(buffer: bytes) -> Problem | None:
    # Fast path: a cell reference of three or more letters, or a row of 7+ digits.
    for match in _REFERENCE.finditer(buffer) if _needs_reference_scan(buffer) else ():
        letters, row = match[1].decode(), int(match[2])
        if _beyond_limits(letters, row):
            return _unsafe(
                f"The workbook has a cell at {letters}{row}, beyond column "
                f"{MAX_COLUMNS} or row {MAX_ROWS:,}. Copy the data to a new workbook."
            )
    return None


_WIDE_OR_TALL = re.compile(rb'\br="\$?(?:[A-Z]{3}|[C-Z][A-Z]|B[M-Z])|\br="\$?[A-Z]*\d{6,}"')


def _needs_reference_scan(buffer: bytes) -> bool:
    return _WIDE_OR_TALL.search(buffer) is not None


def _check_dimension(buffer: bytes) -> Problem | None:
    match = _DIMENSION.search(buffer)
    if match is None:
        return None
    for cell in _CELL_IN_REF.finditer(match[1].decode("ascii", "replace")):
        if _beyond_limits(cell[1], int(cell[2])):
            return _unsafe(
                f"The worksheet declares a size of {match[1].decode('ascii', 'replace')}, "
                f"beyond column {MAX_COLUMNS} or row {MAX_ROWS:,}."
            )
    return None


def inspect_archive(data: bytes) -> Problem | None:
    """None when the XLSX archive is within bounds, else the problem."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
    ):
        return rule("file.format").problem("The workbook is damaged and cannot be opened.")
    if len(entries) > MAX_ZIP_ENTRIES:
        return _unsafe(f"The workbook holds {len(entries):,} parts; at most {MAX_ZIP_ENTRIES:,}.")
    declared = sum(entry.file_size for entry in entries)
    if declared > MAX_XLSX_UNCOMPRESSED_BYTES:
        return _unsafe(
            "The workbook expands to more than "
            f"{MAX_XLSX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB. Split the data."
        )
    for entry in entries:
        if (
            entry.file_size > 1024 * 1024
            and entry.file_size > max(entry.compress_size, 1) * MAX_COMPRESSION_RATIO
        ):
            return _unsafe("The workbook is compressed suspiciously well (a zip bomb?).")
    for entry in entries:
        problem = _inflate_and_scan(archive, entry)
        if problem is not None:
            return problem
    return None


def _inflate_and_scan(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Problem | None:
    is_sheet = entry.filename.startswith("xl/worksheets/")
    inflated = 0
    tail = b""
    try:
        with archive.open(entry) as stream:
            first = True
            while chunk := stream.read(CHUNK):
                inflated += len(chunk)
                if inflated > entry.file_size:  # pragma: no cover - zipfile stops first
                    return _unsafe("A workbook part is larger than it says.")
                buffer = tail + chunk
                if _DANGEROUS.search(buffer):
                    return _unsafe(
                        "The workbook contains XML entity declarations, which are refused."
                    )
                if is_sheet:
                    if first and (problem := _check_dimension(buffer)):
                        return problem
                    if problem := _scan_references(buffer):
                        return problem
                first = False
                tail = buffer[-OVERLAP:]
    except (zipfile.BadZipFile, RuntimeError, ValueError, OSError, EOFError, NotImplementedError):
        return rule("file.format").problem("The workbook is damaged or encrypted.")
    except Exception:  # zlib.error and friends
        return rule("file.format").problem("The workbook is damaged and cannot be opened.")
    return None


def read_xlsx(data: bytes) -> Table | Problem:
    problem = inspect_archive(data)
    if problem is not None:
        return problem
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        index = next(
            (
                i
                for i, meta in enumerate(workbook.sheets_metadata)
                if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
            ),
            None,
        )
        if index is None:
            return rule("file.empty").problem("The workbook has no visible worksheet.")
        sheet = workbook.get_sheet_by_index(index)
        end = sheet.end
        if end is not None and (end[0] + 1 > MAX_ROWS or end[1] + 1 > MAX_COLUMNS):
            return _unsafe(
                f"The worksheet is larger than {MAX_ROWS:,} rows by {MAX_COLUMNS} columns."
            )
        cells = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS)
    except Exception:  # calamine raises its own error types for damaged workbooks
        return rule("file.format").problem("The workbook is damaged and cannot be read.")
    return Table([(number, row) for number, row in enumerate(cells, start=1)])
