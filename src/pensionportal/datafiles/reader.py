"""Reading a file against its template: bytes -> :class:`ParsedFile` or :class:`Unreadable`.

Cells are parsed column by column with one parser per field (values.py), so a 100,000-row
file costs a few dict lookups and one parse per non-blank cell. Every problem found is kept;
nothing stops at the first one.

PAY layout (docs/datafiles.md): the header table first - one heading row and one value row
(Pay Cycle, Pay Date, Pay Period Start Date, Pay Period End Date, Payment Reference Number,
Remittance Amount) - then the detail table: one heading row (it contains "Employee ID")
and one row per member. Blank rows anywhere are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter, methodcaller

from pensionportal.datafiles import layout, sin
from pensionportal.datafiles.columns import fast_column
from pensionportal.datafiles.csv_reader import read_csv
from pensionportal.datafiles.errors import CellError
from pensionportal.datafiles.fields import Field
from pensionportal.datafiles.gcpause import without_gc
from pensionportal.datafiles.limits import MAX_FILE_BYTES
from pensionportal.datafiles.model import (
    Column,
    JoinedCells,
    ParsedFile,
    Row,
    RowSet,
    Unreadable,
)
from pensionportal.datafiles.problems import RULES, Problem, rule
from pensionportal.datafiles.specs import SPECS
from pensionportal.datafiles.table import CELL_SEPARATOR, Table, TextRows
from pensionportal.datafiles.values import Parser, Value, as_text, is_blank, parser_for
from pensionportal.datafiles.xlsx_reader import read_xlsx

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_SHOWN = 200

SourceRow = tuple[int, Sequence[object]]


@without_gc
def read(data: bytes, filename: str = "", template: str | None = None) -> ParsedFile | Unreadable:
    """Read a CSV or XLSX file. ``template`` (a code such as "PAY") skips detection."""
    if template is not None and template not in SPECS:
        raise ValueError(f"unknown template {template!r}")
    if not data:
        return _unreadable(rule("file.empty").problem("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        return _unreadable(
            rule("file.too_large").problem(
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB. Split it."
            )
        )
    if data.startswith(OLE_MAGIC):
        return _unreadable(
            rule("file.format").problem(
                "This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload again."
            )
        )
    table = read_xlsx(data) if data.startswith(ZIP_MAGIC) else read_csv(data)
    if isinstance(table, Problem):
        return _unreadable(table)
    return read_table(table, filename, template)


def _unreadable(*problems: Problem) -> Unreadable:
    return Unreadable(tuple(problems))


def read_table(
    table: Table, filename: str = "", template: str | None = None
) -> ParsedFile | Unreadable:
    rows: Sequence[SourceRow]
    if isinstance(table.rows, TextRows):
        rows = table.rows.filled()
    else:
        # A row whose first cell holds text is kept without looking further (the usual case).
        rows = [
            (number, cells)
            for number, cells in table.rows
            if cells
            and (
                ((first := cells[0]).__class__ is str and first and not first.isspace())
                or not _blank_row(cells)
            )
        ]
    if not rows:
        return _unreadable(rule("file.empty").problem("The file has no data."))
    found = SPECS[template] if template else layout.detect(rows[0][1], filename)
    if isinstance(found, list):
        return _unreadable(_template_unknown(found, rows[0]))
    spec = found
    problems: list[Problem] = []
    header: Row | None = None
    header_columns: tuple[str, ...] = ()
    detail_start = 0
    if spec.has_header:
        header, header_columns, detail_start = _read_pay_header(rows, problems)
    if detail_start >= len(rows):
        problems.append(
            rule("pay.no_detail").problem(
                "The PAY file has no detail table: after the header, add a heading row "
                "starting with Employee ID and one row per member."
            )
        )
        return ParsedFile(
            spec,
            (),
            RowSet.from_rows(tuple(f.key for f in spec.fields), []),
            header,
            header_columns,
            tuple(problems),
        )
    heading_number, heading = rows[detail_start]
    columns = layout.match_columns(heading, layout.lookup(spec))
    parsed = parse_rows(
        spec.fields, columns, heading_number, rows[detail_start + 1 :], problems, table.text_only
    )
    return ParsedFile(spec, columns.labels, parsed, header, header_columns, tuple(problems))


def _blank_row(cells: Sequence[object]) -> bool:
    if not cells:
        return True
    if isinstance(cells, list) and cells.count("") == len(cells):
        return True
    try:
        return "".join(cells).isspace()  # type: ignore[arg-type]
    except TypeError:  # XLSX numbers and dates
        return all(is_blank(c) for c in cells)


def _template_unknown(candidates: list[str], first: SourceRow) -> Problem:
    if candidates:
        which = ", ".join(candidates)
        message = (
            f"The column headings fit more than one template ({which}). Put the template "
            "code in the file name (e.g. TER_2024-03.csv) or add the template's other columns."
        )
    else:
        message = (
            "The first row's headings do not match any template (PAY, ENROL, TER, PERCHG, "
            "EMCHG, LOA, RTW, PRIORSVC, OPTN, PA). Start from a downloaded template."
        )
    shown = ", ".join(as_text(c) for c in first[1] if not is_blank(c))
    return rule("file.template_unknown").problem(message, row=first[0], value=shown[:MAX_SHOWN])


def _read_pay_header(
    rows: Sequence[SourceRow], problems: list[Problem]
) -> tuple[Row | None, tuple[str, ...], int]:
    """Header Row (or None), its headings, and the index of the detail heading row."""
    if not layout.is_pay_header(rows[0][1]):
        problems.append(
            rule("pay.header_rows").problem(
                "A PAY file starts with the header table: a heading row (Pay Cycle, Pay Date, "
                "Pay Period Start Date, Pay Period End Date, Payment Reference Number, "
                "Remittance Amount) and one row of values.",
                row=rows[0][0],
            )
        )
        return None, (), 0
    detail = next(
        (
            i
            for i in range(1, len(rows))
            if "employeeid" in {layout.normalise(as_text(c)) for c in rows[i][1]}
        ),
        len(rows),
    )
    number, heading = rows[0]
    columns = layout.match_columns(heading, layout.header_lookup())
    values = rows[1:detail]
    header_fields = SPECS["PAY"].header_fields
    if len(values) != 1:
        problems.append(
            rule("pay.header_rows").problem(
                "The header table must have exactly one row of values (one remittance per "
                f"file); it has {len(values)}.",
                row=values[1][0] if len(values) > 1 else number,
            )
        )
    parsed = parse_rows(header_fields, columns, number, values[:1], problems)
    return (parsed[0] if parsed else None), columns.labels, detail


CHUNK_ROWS = 8192
_split = methodcaller("split", CELL_SEPARATOR)
"""Rows parsed at a time: a chunk's cells are let go once its typed values are kept."""


def parse_rows(
    fields: Sequence[Field],
    columns: layout.Columns,
    heading_number: int,
    rows: Sequence[SourceRow],
    problems: list[Problem],
    text_only: bool = False,
) -> RowSet:
    """Typed rows for ``rows`` under the heading ``columns``; problems appended in place.

    :data:`CHUNK_ROWS` rows at a time, so that only a chunk's cells are in memory at once.
    Each column of a chunk is pulled out with ``itemgetter`` (C speed) and parsed with
    ``map``; a column with a problem is re-read cell by cell to report every problem with
    its row. The problems come in the same order as for one whole-file pass once sorted by
    row (validate.validate): within a row, by column, then the conditional and extra-cell
    ones.
    """
    positions = _positions(fields, columns, heading_number, problems)
    width = len(columns.labels)
    typed: dict[str, list[Value | None]] = {field.key: [] for field in fields}
    numbers: list[int] = []
    raw_rows: list[Sequence[str]] = []
    extra: list[Problem] = []
    for first in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[first : first + CHUNK_ROWS]
        if isinstance(chunk, TextRows):
            chunk_numbers = chunk.numbers
            given: list[Sequence[object]] = list(map(_split, chunk.lines))
            pairs: Sequence[SourceRow] = list(zip(chunk_numbers, given, strict=True))
        else:
            chunk_numbers = [number for number, _ in chunk]
            given = [cells for _, cells in chunk]
            pairs = chunk
        count = len(given)
        shortest = min(map(len, given), default=width)
        cell_rows = (
            given
            if shortest >= width
            else [cells if len(cells) >= width else _padded(cells, width) for cells in given]
        )
        numbers.extend(chunk_numbers)
        for field in fields:
            index = positions.get(field.key)
            if index is None:
                typed[field.key].extend([None] * count)
                continue
            column = list(map(itemgetter(index), cell_rows))
            typed[field.key].extend(
                _parse_column(
                    field, columns.labels[index], column, chunk_numbers, problems, text_only
                )
            )
        if not isinstance(rows, TextRows):
            raw_rows.extend(cell_rows if text_only else map(_raw, cell_rows))  # type: ignore[arg-type]
        _extra_cells(pairs, width, max(map(len, cell_rows), default=0), extra)
    raw: Sequence[Sequence[str]] = (
        JoinedCells(rows.lines, width) if isinstance(rows, TextRows) else raw_rows
    )
    result = RowSet(tuple(field.key for field in fields), numbers, raw, typed)
    _conditional(fields, columns, positions, result, problems)
    problems.extend(extra)
    return result


def _extra_cells(
    rows: Sequence[SourceRow], width: int, longest: int, problems: list[Problem]
) -> None:
    for number, cells in rows if longest > width else ():
        if len(cells) > width and not all(is_blank(c) for c in cells[width:]):
            problems.append(
                rule("row.extra_cells").problem(
                    "This row has values to the right of the last column heading. Check "
                    "for a shifted row or add the missing heading.",
                    row=number,
                    value=", ".join(as_text(c) for c in cells[width:] if not is_blank(c))[
                        :MAX_SHOWN
                    ],
                )
            )


def _padded(cells: Sequence[object], width: int) -> Sequence[object]:
    if len(cells) >= width:
        return cells
    return [*cells, *([""] * (width - len(cells)))]


def _raw(cells: Sequence[object]) -> tuple[str, ...]:
    return tuple(c if isinstance(c, str) else as_text(c) for c in cells)


def _positions(
    fields: Sequence[Field], columns: layout.Columns, heading: int, problems: list[Problem]
) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, (label, field) in enumerate(zip(columns.labels, columns.fields, strict=True)):
        if field is None:
            if label:
                problems.append(
                    rule("column.unknown").problem(
                        f"The column '{label}' is not part of this template; its values "
                        "are ignored.",
                        row=heading,
                        column=label,
                        value=label,
                    )
                )
            continue
        if field.key in positions:
            problems.append(
                rule("column.duplicate").problem(
                    f"The column '{field.label}' appears twice; keep one.",
                    row=heading,
                    column=label,
                    value=label,
                    field=field.key,
                )
            )
            continue
        positions[field.key] = index
    for field in fields:
        if field.required and field.key not in positions:
            problems.append(
                rule("column.missing").problem(
                    f"The mandatory column '{field.label}' is missing.",
                    row=heading,
                    column=field.label,
                    field=field.key,
                )
            )
    return positions


def _shown(field: Field, cell: object) -> str:
    text = as_text(cell)
    if field.sensitive:
        return sin.mask(text)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "..."


def _parse_column(
    field: Field,
    label: str,
    column: list[object],
    numbers: Sequence[int],
    problems: list[Problem],
    text_only: bool,
) -> Column:
    count = len(column)
    if column.count("") == count:  # an optional column left empty
        out: list[Value | None] = [None] * count
    else:
        parse = parser_for(field)
        try:
            fast = fast_column(field, column, parse)
            out = fast if fast is not None else list(map(parse, column))
        except CellError:
            out = _parse_column_reporting(field, label, column, numbers, parse, problems)
    if field.required:
        # ``is None`` (not ``None in out``: comparing Decimals with None is slow)
        for i in [i for i, value in enumerate(out) if value is None]:
            number, cell = numbers[i], column[i]
            if is_blank(cell):
                problems.append(
                    rule("value.required").problem(
                        f"{field.label} is mandatory.", row=number, column=label, field=field.key
                    )
                )
    return out


def _parse_column_reporting(
    field: Field,
    label: str,
    column: Sequence[object],
    numbers: Sequence[int],
    parse: Parser,
    problems: list[Problem],
) -> list[Value | None]:
    out: list[Value | None] = []
    append = out.append
    for number, cell in zip(numbers, column, strict=True):
        try:
            append(parse(cell))
        except CellError as error:
            append(None)
            problems.append(
                Problem(
                    number,
                    label,
                    _shown(field, cell),
                    error.rule,
                    error.message,
                    RULES[error.rule].severity,
                    field.key,
                )
            )
    return out


def _conditional(
    fields: Sequence[Field],
    columns: layout.Columns,
    positions: Mapping[str, int],
    rows: RowSet,
    problems: list[Problem],
) -> None:
    conditional = [f for f in fields if f.required_when is not None]
    if not conditional:
        return
    labels = {f.key: f.label for f in fields}
    for field in conditional:
        condition = field.required_when
        assert condition is not None
        index = positions.get(field.key)
        column = columns.labels[index] if index is not None else field.label
        because = condition.describe(lambda key: labels.get(key, key))
        for row in rows:
            if row.values[field.key] is None and condition.holds(row.values):
                problems.append(
                    rule("value.conditional").problem(
                        f"{field.label} is mandatory when {because}.",
                        row=row.number,
                        column=column,
                        field=field.key,
                    )
                )


def read_records(
    template: str,
    rows: Sequence[Mapping[str, object]],
    header: Mapping[str, object] | None = None,
) -> ParsedFile:
    """Rows entered online (field key -> text), read exactly as a file would be.

    Row numbers are 1, 2, ... in the order given; for PAY the header is row 0.
    """
    spec = SPECS[template]
    keys = tuple(f.key for f in spec.fields)
    columns = layout.Columns(tuple(f.label for f in spec.fields), tuple(spec.fields))
    problems: list[Problem] = []
    source: list[SourceRow] = [
        (number, [record.get(key, "") for key in keys]) for number, record in enumerate(rows, 1)
    ]
    parsed = parse_rows(spec.fields, columns, 0, source, problems)
    header_row: Row | None = None
    header_labels: tuple[str, ...] = ()
    if spec.has_header:
        hkeys = tuple(f.key for f in spec.header_fields)
        header_labels = tuple(f.label for f in spec.header_fields)
        hcolumns = layout.Columns(header_labels, tuple(spec.header_fields))
        given = header or {}
        hrows = parse_rows(
            spec.header_fields, hcolumns, 0, [(0, [given.get(k, "") for k in hkeys])], problems
        )
        header_row = hrows[0]
    return ParsedFile(spec, columns.labels, parsed, header_row, header_labels, tuple(problems))
