"""CSV bytes to a table of text cells.

Encodings: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's
"Unicode text"), and otherwise Windows-1252, as Excel saves "CSV (Comma delimited)" on
Windows. The delimiter is a comma, or a semicolon or tab when the first line has more of
those (Excel in some locales). Rows are numbered by record, as Excel numbers them.
"""

from __future__ import annotations

import csv
import io
from itertools import islice

from pensionportal.datafiles.limits import MAX_ROWS
from pensionportal.datafiles.problems import Problem, rule
from pensionportal.datafiles.table import CELL_SEPARATOR, Table, TextRows

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes) -> str | Problem:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return _encoding_problem()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return _encoding_problem()


def _encoding_problem() -> Problem:
    return rule("file.encoding").problem(
        "The file's characters cannot be read. Save it from Excel as 'CSV UTF-8 (Comma "
        "delimited)' or 'CSV (Comma delimited)', or upload the .xlsx workbook."
    )


def _delimiter(text: str) -> str:
    first = text[: text.find("\n")] if "\n" in text else text
    counts = {d: first.count(d) for d in ",;\t"}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_csv(data: bytes) -> Table | Problem:
    text = decode(data)
    if isinstance(text, Problem):
        return text
    if "\x00" in text:
        return rule("file.format").problem(
            "This is not a CSV text file. Upload a .csv or .xlsx file."
        )
    lines: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        # Each record kept as one string (table.TextRows): no NUL in the text, checked above.
        lines.extend(map(CELL_SEPARATOR.join, islice(reader, MAX_ROWS)))
        if next(reader, None) is not None:
            return rule("file.too_many_rows").problem(
                f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
            )
    except csv.Error as exc:
        return rule("file.format").problem(
            f"The CSV file is malformed near record {reader.line_num}: {exc}."
        )
    return Table(TextRows(list(range(1, len(lines) + 1)), lines), text_only=True)
