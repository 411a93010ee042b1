"""A sheet of cells as read from a file, before any template is applied."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """Rows as ``(row number in the file, cells)``. CSV cells are str; XLSX cells may also
    be float, int, bool, date or datetime (real Excel values)."""

    rows: Sequence[tuple[int, Sequence[object]]]
    text_only: bool = False
    """True when every cell is a str (CSV), which lets the reader skip conversions."""
