"""What the architecture tests read: the product's own source files, parsed."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pensionportal

PACKAGE_DIR = Path(pensionportal.__file__).resolve().parent
SRC_DIR = PACKAGE_DIR.parent


@dataclass(frozen=True)
class Source:
    path: Path
    module: str
    text: str
    tree: ast.Module

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def where(self, node: ast.AST) -> str:
        return f"{self.path.relative_to(SRC_DIR)}:{getattr(node, 'lineno', 0)}"


def python_sources(*, migrations: bool = False) -> Iterator[Source]:
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "migrations" in path.parts and not migrations:
            continue
        module = ".".join(path.relative_to(SRC_DIR).with_suffix("").parts)
        text = path.read_text(encoding="utf-8")
        yield Source(path, module.removesuffix(".__init__"), text, ast.parse(text))


def docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the docstring constants of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found
