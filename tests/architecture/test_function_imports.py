"""No import inside a function body unless a comment on it says why (docs/architecture.md
"Inside an app"): an import hidden in a function hides a dependency, and often a cycle."""

from __future__ import annotations

import ast

from .source import Source, python_sources


def _explained(source: Source, node: ast.stmt) -> bool:
    """A comment on the import's lines, or on the line above its block of imports."""
    lines = source.lines
    span = lines[node.lineno - 1 : node.end_lineno or node.lineno]
    if any("#" in line for line in span):
        return True
    number = node.lineno - 1
    while number > 0:
        above = lines[number - 1].strip()
        if above.startswith("#"):
            return True
        if not (above == "" or above.startswith(("import ", "from ", ")")) or above.endswith(",")):
            return False
        number -= 1
    return False


def function_level_imports(source: Source) -> list[ast.stmt]:
    found: list[ast.stmt] = []
    for node in ast.walk(source.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.extend(n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom))
    return found


def test_every_function_level_import_says_why() -> None:
    unexplained = [
        f"{source.where(node)} {ast.unparse(node)}"
        for source in python_sources()
        for node in function_level_imports(source)
        if not _explained(source, node)
    ]
    assert unexplained == [], (
        "Import at the top of the module, or say in a comment why it must wait:\n"
        + "\n".join(unexplained)
    )


def test_the_check_sees_an_unexplained_import() -> None:
    text = (
        "def f():\n    import json\n    return json\n\n"
        "def g():\n    import os  # lazy: why\n\n"
        "def h():\n    # both wait for the registry\n    import a\n\n    from b import c\n"
    )
    source = Source(python_sources().__next__().path, "x", text, ast.parse(text))
    found = [n for n in function_level_imports(source) if not _explained(source, n)]
    assert [ast.unparse(n) for n in found] == ["import json"]
