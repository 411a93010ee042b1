"""The exception a cell parser raises; turned into a :class:`Problem` by the reader."""

from __future__ import annotations


class CellError(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
