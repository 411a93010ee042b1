"""A sheet of cells as read from a file, before any template is applied."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import not_
from typing import overload

CELL_SEPARATOR = "\x00"
"""Never in a CSV cell: the CSV reader refuses a file holding NUL."""


_BLANK = re.compile(rf"[{CELL_SEPARATOR}\s]*").fullmatch
"""Only separators and white space (``\\s`` is ``str.isspace``'s set): a blank row."""


class TextRows(Sequence[tuple[int, list[str]]]):
    """CSV rows as ``(row number, cells)``, each row kept as one string of its cells joined
    by :data:`CELL_SEPARATOR` and split again when asked for.

    A 100,000-row file's cells as separate strings in lists take more memory than the whole
    typed file; kept joined, the reader splits a few thousand rows at a time, parses them,
    and lets them go (reader.parse_rows)."""

    __slots__ = ("lines", "numbers")

    def __init__(self, numbers: list[int], lines: list[str]) -> None:
        self.numbers = numbers
        self.lines = lines

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> tuple[int, list[str]]: ...

    @overload
    def __getitem__(self, index: slice) -> TextRows: ...

    def __getitem__(self, index: int | slice) -> tuple[int, list[str]] | TextRows:
        if isinstance(index, slice):
            return TextRows(self.numbers[index], self.lines[index])
        return self.numbers[index], self.lines[index].split(CELL_SEPARATOR)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for number, line in zip(self.numbers, self.lines, strict=True):
            yield number, line.split(CELL_SEPARATOR)

    def filled(self) -> TextRows:
        """The rows with a non-blank cell (blank rows are ignored anywhere in a file)."""
        if not any(map(_BLANK, self.lines)):
            return self  # no blank row, found in one C-level pass
        filled = list(map(not_, map(_BLANK, self.lines)))
        return TextRows(list(compress(self.numbers, filled)), list(compress(self.lines, filled)))


@dataclass(frozen=True)
class Table:
    """Rows as ``(row number in the file, cells)``. CSV cells are str (kept joined:
    :class:`TextRows`); XLSX cells may also be float, int, bool, date or datetime (real
    Excel values)."""

    rows: Sequence[tuple[int, Sequence[object]]]
    text_only: bool = False
    """True when every cell is a str (CSV), which lets the reader skip conversions."""
