"""Every dated parameter file is read by the product (docs/architecture.md "Parameters").

A parameter counts as read when the code outside `rules/parameters/` names it in full, as a
string (`load("ympe")`; names are never put together from pieces, so that this test and a
reader's search find every use). A file that nothing names is a rule the product does not
apply, or a stale one.
"""

from __future__ import annotations

import ast
import re

from pensionportal.rules.parameters import all_parameter_names, load

from .source import docstring_nodes, python_sources


def names_in_code() -> set[str]:
    names: set[str] = set()
    for source in python_sources():
        if ".rules.parameters" in source.module:
            continue
        docs = docstring_nodes(source.tree)
        for node in ast.walk(source.tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
            ):
                names.add(node.value)
    return names


def unread(parameters: set[str]) -> list[str]:
    return sorted(parameters - names_in_code())


def test_every_parameter_file_is_read() -> None:
    assert unread(set(all_parameter_names())) == []


def test_a_parameter_nothing_names_is_found() -> None:
    assert unread({"ympe", "no_rule_reads_this_quantity"}) == ["no_rule_reads_this_quantity"]


TOOL_RECORD = re.compile(r"read_file|index file|@[0-9a-f]{7,}\b|\bid \d{6,}")


def test_every_source_is_a_public_reference_not_a_tool_record() -> None:
    """A source a reader can look up: a URL, a seed document and its section, a statute, a
    published table; never a search tool's record id or a repository commit."""
    found = [
        f"{name} {value.effective}: {value.source[:80]}"
        for name in all_parameter_names()
        for value in load(name).values
        if TOOL_RECORD.search(value.source)
    ]
    assert found == []
