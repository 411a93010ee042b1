"""What a reader gives back: a parsed file with its rows, or the reasons it is unreadable.

Rows are stored by column (one list of typed values per field) so that a 100,000-row PAY
file is validated without building 100,000 dicts; :class:`RowSet` hands out :class:`Row`
objects on demand for code that wants a row at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, overload

from pensionportal.datafiles.fields import TemplateSpec
from pensionportal.datafiles.problems import Problem
from pensionportal.datafiles.table import CELL_SEPARATOR
from pensionportal.datafiles.values import Value

TypedValues = Mapping[str, Value | None]
Column = Sequence[Value | None]


class Row(NamedTuple):
    """One record of the file (immutable).

    ``number`` is the row number in the original file (1 = first row, as Excel shows it;
    for CSV, the record number). ``raw`` holds the cells as given, in the file's column
    order (see :attr:`ParsedFile.columns`). ``values`` maps every field key of the template
    to its typed value, or None when blank, absent or unreadable (see the problems).
    """

    number: int
    raw: Sequence[str]
    values: TypedValues


class JoinedCells(Sequence[Sequence[str]]):
    """The raw cells of CSV rows, each row kept as one string joined by
    :data:`CELL_SEPARATOR` (table.TextRows) and split again, padded to the heading's
    ``width``, when asked for: the raw cells are only read for the few rows a report or a
    correction shows."""

    __slots__ = ("_lines", "_width")

    def __init__(self, lines: list[str], width: int) -> None:
        self._lines = lines
        self._width = width

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> Sequence[str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Sequence[str]]: ...

    def __getitem__(self, index: int | slice) -> Sequence[str] | Sequence[Sequence[str]]:
        if isinstance(index, slice):
            return [self._cells(line) for line in self._lines[index]]
        return self._cells(self._lines[index])

    def __iter__(self) -> Iterator[Sequence[str]]:
        return map(self._cells, self._lines)

    def _cells(self, line: str) -> list[str]:
        cells = line.split(CELL_SEPARATOR)
        if len(cells) < self._width:
            cells.extend([""] * (self._width - len(cells)))
        return cells


@dataclass(frozen=True)
class RowSet(Sequence[Row]):
    """The detail rows, column-stored: ``typed[key][i]`` is row ``i``'s value for ``key``."""

    keys: tuple[str, ...]
    numbers: Sequence[int]
    raw: Sequence[Sequence[str]]
    typed: Mapping[str, Column]

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Row(
            self.numbers[index],
            self.raw[index],
            {key: self.typed[key][index] for key in self.keys},
        )

    def __iter__(self) -> Iterator[Row]:
        keys = self.keys
        columns = [self.typed[key] for key in keys]
        for number, raw, values in zip(
            self.numbers, self.raw, zip(*columns, strict=True), strict=True
        ):
            yield Row(number, raw, dict(zip(keys, values, strict=True)))

    def column(self, key: str) -> Column:
        return self.typed[key]

    @classmethod
    def from_rows(cls, keys: tuple[str, ...], rows: Sequence[Row]) -> RowSet:
        return cls(
            keys,
            [row.number for row in rows],
            [row.raw for row in rows],
            {key: [row.values.get(key) for row in rows] for key in keys},
        )


@dataclass(frozen=True)
class ParsedFile:
    """A file read against one template.

    ``header`` is the PAY header record (None for other templates); ``problems`` are those
    found while reading (structure, cell formats, mandatory values); :func:`validate` adds
    the rest.
    """

    template: TemplateSpec
    columns: tuple[str, ...]
    """The detail table's column headings as given in the file."""
    rows: RowSet
    header: Row | None = None
    header_columns: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def code(self) -> str:
        return self.template.code

    def column(self, key: str) -> Column:
        """Typed values of one field, in row order (fast path for whole-file rules)."""
        return self.rows.typed[key]


@dataclass(frozen=True)
class Unreadable:
    """A file that could not be read against any template; ``problems`` say why."""

    problems: tuple[Problem, ...]
