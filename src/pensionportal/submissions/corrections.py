"""Correcting a file online ("Correct online", issue 16 Must do 2): the original file's
rows with their problem cells marked, the user's edits laid over them, the corrected file
written back in the same layout, and the problems of the last check.

Choices (docs/datafiles.md "Correcting a file online"):

- The draft keeps only the cells the user changed, keyed by the original file's row number
  and field key, encrypted in the database (`Correction.edits_encrypted`): a 100,000-row
  file with three mistakes is a draft of three cells, and the pages of the file are read
  from the encrypted original each time (nothing in the session, nothing on disk).
- The corrected file is a CSV in the original's layout (its own headings, unknown columns
  kept), each row written at its original row number, so "row 12" is the same row in the
  original's problems, the editor and the correction's problems.
- SIN cells are never written into the page: the input is empty and says which digits end
  the value on file; typing a SIN replaces it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from pensionportal.accounts.models import Organization
from pensionportal.core import crypto
from pensionportal.datafiles import layout
from pensionportal.datafiles.fields import Field, Kind, TemplateSpec
from pensionportal.datafiles.model import ParsedFile
from pensionportal.datafiles.problems import Problem
from pensionportal.datafiles.suggest import Suggester
from pensionportal.members.models import Member

from .models import Correction, Severity, Status, Submission, SubmissionProblem

PAGE_SIZE = 50
MAX_KEPT_PROBLEMS = 5000
"""A check keeps this many problems in the draft; the sent file's report has them all."""
CORRECTABLE = (Status.REJECTED, Status.AWAITING_CONFIRMATION, Status.VALIDATED_TEST)
UNKNOWN_EMPLOYEE = "registry.unknown_employee"
UNREADABLE = (
    "This file cannot be opened for correction: its layout could not be read (see its "
    "problems). Fix it in your payroll system or spreadsheet and send it again."
)


def employee_ids_on_record(organization: Organization) -> list[str]:
    return list(
        Member.objects.filter(organization=organization).values_list("employee_id", flat=True)
    )


@dataclass
class Edits:
    rows: dict[int, dict[str, str]] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rows or self.header)

    def count(self) -> int:
        return sum(map(len, self.rows.values())) + len(self.header)


def load_edits(draft: Correction | None) -> Edits:
    if draft is None or not draft.edits_encrypted:
        return Edits()
    data = json.loads(crypto.decrypt_text(draft.edits_encrypted))
    rows = {int(number): dict(cells) for number, cells in data.get("rows", {}).items()}
    return Edits(rows, dict(data.get("header", {})))


def dump_edits(edits: Edits) -> str:
    rows = {str(number): cells for number, cells in sorted(edits.rows.items()) if cells}
    return crypto.encrypt_text(json.dumps({"rows": rows, "header": edits.header}))


@dataclass(frozen=True)
class Marked:
    """A problem placed on the sheet: file row (None: the file) and field key (None: the
    row as a whole, or a column the editor does not show)."""

    row: int | None
    key: str | None
    column: str
    rule: str
    message: str
    severity: str

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def dump_checked(problems: Sequence[Problem]) -> str:
    kept = [
        {
            "row": p.row,
            "key": p.field,
            "column": p.column or "",
            "rule": p.rule,
            "message": p.message,
            "severity": Severity.ERROR if p.is_error else Severity.WARNING,
        }
        for p in problems[:MAX_KEPT_PROBLEMS]
    ]
    return crypto.encrypt_text(json.dumps({"total": len(problems), "problems": kept}))


def load_checked(draft: Correction) -> tuple[list[Marked], int]:
    data = json.loads(crypto.decrypt_text(draft.checked_encrypted))
    return [Marked(**p) for p in data["problems"]], int(data["total"])


def stored_problems(submission: Submission, parsed: ParsedFile) -> list[Marked]:
    """The original's problems, placed back on the file's rows and fields."""
    offset = submission.row_offset
    detail = layout.lookup(parsed.template)
    header = layout.header_lookup()
    header_row = parsed.header.number if parsed.header is not None else None
    marked = []
    query = SubmissionProblem.objects.filter(submission=submission).values_list(
        "row", "column", "rule", "message", "severity"
    )
    for row, column, code, message, severity in query.iterator(chunk_size=2000):
        number = None if row is None else row + offset
        lookup = header if number is not None and number == header_row else detail
        found = lookup.get(layout.normalise(column)) if column else None
        marked.append(Marked(number, found.key if found else None, column, code, message, severity))
    return marked


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    name: str  # the form input's name
    value: str  # what the input shows ("" for a SIN)
    edited: bool
    sensitive: bool
    ends_with: str  # a SIN's last three digits, for the placeholder
    choices: tuple[str, ...]
    problems: tuple[Marked, ...]
    suggestions: tuple[str, ...]

    @property
    def has_error(self) -> bool:
        return any(p.is_error for p in self.problems)


@dataclass(frozen=True)
class SheetRow:
    number: int  # the file's row number
    shown: int  # the number the user knows (an online entry's form row)
    cells: tuple[Cell, ...]
    row_problems: tuple[Marked, ...]  # problems of the row as a whole

    @property
    def has_problem(self) -> bool:
        return bool(self.row_problems) or any(c.problems for c in self.cells)


def _columns(parsed: ParsedFile) -> list[tuple[int, Field]]:
    """(position, field) of each recognised column, first occurrence of a field."""
    matched = layout.match_columns(parsed.columns, layout.lookup(parsed.template))
    seen: set[str] = set()
    found = []
    for index, spec_field in enumerate(matched.fields):
        if spec_field is not None and spec_field.key not in seen:
            seen.add(spec_field.key)
            found.append((index, spec_field))
    return found


def _header_columns(parsed: ParsedFile) -> list[tuple[int, Field]]:
    matched = layout.match_columns(parsed.header_columns, layout.header_lookup())
    return [(i, f) for i, f in enumerate(matched.fields) if f is not None]


def _sensitive(spec_field: Field) -> bool:
    return spec_field.kind is Kind.SIN or spec_field.sensitive


def _cell_at(raw: Sequence[str], index: int) -> str:
    return str(raw[index]) if index < len(raw) else ""


class Sheet:
    """The original file with the draft's edits and the problems to mark."""

    def __init__(
        self,
        submission: Submission,
        parsed: ParsedFile,
        edits: Edits,
        problems: Sequence[Marked],
    ) -> None:
        self.submission = submission
        self.parsed = parsed
        self.spec: TemplateSpec = parsed.template
        self.edits = edits
        self.columns = _columns(parsed)
        self.header_columns = _header_columns(parsed) if parsed.header is not None else []
        self.position = {number: i for i, number in enumerate(parsed.rows.numbers)}
        header_row = parsed.header.number if parsed.header is not None else None
        self.marked = list(problems)
        self.file_problems: list[Marked] = []
        self.header_problems: dict[str | None, list[Marked]] = {}
        self.by_row: dict[int, dict[str | None, list[Marked]]] = {}
        for problem in problems:
            if problem.row is None:
                self.file_problems.append(problem)
            elif problem.row == header_row:
                self.header_problems.setdefault(problem.key, []).append(problem)
            elif problem.row in self.position:
                self.by_row.setdefault(problem.row, {}).setdefault(problem.key, []).append(problem)
            else:
                self.file_problems.append(problem)  # a heading row's problem
        self._suggester: Suggester | None = None
        self._on_record: Callable[[], Iterable[str]] | None = None

    # --- what the pages list ---------------------------------------------------------------

    def problem_rows(self) -> list[int]:
        """Rows with a problem, and rows the user has changed (so an edit stays in view)."""
        return sorted(set(self.by_row) | {n for n in self.edits.rows if n in self.position})

    def all_rows(self) -> Sequence[int]:
        return self.parsed.rows.numbers

    def shown_number(self, number: int) -> int:
        offset = self.submission.row_offset
        return number - offset if offset and number > offset else number

    def use_registry(self, on_record: Callable[[], Iterable[str]]) -> None:
        """The Employee IDs on record (read when first needed), for "did you mean"."""
        self._on_record = on_record

    def _suggest(self, typed: str) -> tuple[str, ...]:
        if self._on_record is None or not typed:
            return ()
        if self._suggester is None:
            self._suggester = Suggester(list(self._on_record()))
        return tuple(self._suggester(typed))

    # --- rows and cells ---------------------------------------------------------------------

    def value(self, number: int, key: str) -> str:
        edited = self.edits.rows.get(number, {})
        if key in edited:
            return edited[key]
        raw = self.parsed.rows.raw[self.position[number]]
        index = next((i for i, f in self.columns if f.key == key), None)
        return "" if index is None else _cell_at(raw, index)

    def original(self, number: int, key: str) -> str:
        raw = self.parsed.rows.raw[self.position[number]]
        index = next((i for i, f in self.columns if f.key == key), None)
        return "" if index is None else _cell_at(raw, index)

    def header_value(self, key: str) -> str:
        if key in self.edits.header:
            return self.edits.header[key]
        return self.header_original(key)

    def header_original(self, key: str) -> str:
        assert self.parsed.header is not None
        index = next((i for i, f in self.header_columns if f.key == key), None)
        return "" if index is None else _cell_at(self.parsed.header.raw, index)

    def _cell(
        self, name: str, spec_field: Field, value: str, original: str, edited: bool,
        problems: Sequence[Marked],
    ) -> Cell:  # fmt: skip
        sensitive = _sensitive(spec_field)
        suggestions: tuple[str, ...] = ()
        if any(p.rule == UNKNOWN_EMPLOYEE for p in problems):
            suggestions = self._suggest(value.strip())
        digits = "".join(ch for ch in (value if edited else original) if ch.isdigit())
        return Cell(
            key=spec_field.key,
            label=spec_field.label,
            name=name,
            value="" if sensitive else value,
            edited=edited,
            sensitive=sensitive,
            ends_with=digits[-3:] if sensitive else "",
            choices=spec_field.choice_codes(),
            problems=tuple(problems),
            suggestions=suggestions,
        )

    def row(self, number: int) -> SheetRow:
        marks = self.by_row.get(number, {})
        edited = self.edits.rows.get(number, {})
        cells = tuple(
            self._cell(
                f"c-{number}-{f.key}",
                f,
                self.value(number, f.key),
                self.original(number, f.key),
                f.key in edited,
                marks.get(f.key, ()),
            )
            for _, f in self.columns
        )
        shown_keys = {f.key for _, f in self.columns}
        loose = tuple(p for key, found in marks.items() if key not in shown_keys for p in found)
        return SheetRow(number, self.shown_number(number), cells, loose)

    def header_cells(self) -> list[Cell]:
        return [
            self._cell(
                f"h-{f.key}",
                f,
                self.header_value(f.key),
                self.header_original(f.key),
                f.key in self.edits.header,
                self.header_problems.get(f.key, ()),
            )
            for _, f in self.header_columns
        ]

    def header_row_problems(self) -> list[Marked]:
        shown = {f.key for _, f in self.header_columns}
        return [p for key, found in self.header_problems.items() if key not in shown for p in found]

    # --- taking the form's values in ------------------------------------------------------

    def take(self, posted: Mapping[str, str], rows: Iterable[int]) -> None:
        """Lay the posted cells of ``rows`` (and the header) over the original: a value equal
        to the original's is no edit; an empty SIN input leaves the SIN as it is."""
        for number in rows:
            if number not in self.position:
                continue
            cells = dict(self.edits.rows.get(number, {}))
            for _, spec_field in self.columns:
                name = f"c-{number}-{spec_field.key}"
                if name not in posted:
                    continue
                value = posted[name].strip()
                if _sensitive(spec_field) and not value:
                    continue
                self._set(cells, spec_field.key, value, self.original(number, spec_field.key))
            if cells:
                self.edits.rows[number] = cells
            else:
                self.edits.rows.pop(number, None)
        for _, spec_field in self.header_columns:
            name = f"h-{spec_field.key}"
            if name not in posted:
                continue
            value = posted[name].strip()
            if _sensitive(spec_field) and not value:
                continue
            original = self.header_original(spec_field.key)
            self._set(self.edits.header, spec_field.key, value, original)

    @staticmethod
    def _set(cells: dict[str, str], key: str, value: str, original: str) -> None:
        if value == original.strip():
            cells.pop(key, None)
        else:
            cells[key] = value

    def accept(self, number: int, key: str, value: str) -> bool:
        """Accept a suggestion: the cell must be an unknown Employee ID offered ``value``."""
        if number not in self.position:
            return False
        cell = next((c for c in self.row(number).cells if c.key == key), None)
        if cell is None or value not in cell.suggestions:
            return False
        cells = self.edits.rows.setdefault(number, {})
        self._set(cells, key, value, self.original(number, key))
        if not cells:
            self.edits.rows.pop(number, None)
        return True

    # --- the corrected file -----------------------------------------------------------------

    def corrected_csv(self) -> bytes:
        """The file with the edits, in its own layout, each row at its original number."""
        parsed = self.parsed
        lines: list[Sequence[str]] = []

        def put(number: int, cells: Sequence[str]) -> None:
            while len(lines) < number - 1:
                lines.append(())
            lines.append(cells)

        header = parsed.header
        if header is not None:
            values = list(header.raw)
            for index, spec_field in self.header_columns:
                if spec_field.key in self.edits.header:
                    while len(values) <= index:
                        values.append("")
                    values[index] = self.edits.header[spec_field.key]
            put(header.number - 1, parsed.header_columns)
            put(header.number, values)
        numbers = parsed.rows.numbers
        put((numbers[0] - 1) if numbers else len(lines) + 1, parsed.columns)
        edits = self.edits.rows
        for number, raw in zip(numbers, parsed.rows.raw, strict=True):
            edited = edits.get(number)
            if edited is None:
                put(number, raw)
                continue
            cells = list(raw)
            for index, spec_field in self.columns:
                if spec_field.key in edited:
                    while len(cells) <= index:
                        cells.append("")
                    cells[index] = edited[spec_field.key]
            put(number, cells)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerows(lines)
        return out.getvalue().encode("utf-8")


def corrected_filename(original: Submission) -> str:
    stem = PurePath(original.filename).stem or "data"
    if stem.endswith("-corrected"):
        stem = stem[: -len("-corrected")]
    return f"{stem}-corrected.csv"[:255]
