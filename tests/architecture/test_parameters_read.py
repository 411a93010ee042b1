"""Every dated parameter file is read by the product (docs/architecture.md "Parameters").

A parameter counts as read when the code outside `rules/parameters/` names it in full, as a
string (`load("ympe")`; names are never put together from pieces, so that this test and a
reader's search find every use). A file that nothing names is a rule the product does not
apply, or a stale one.
"""

from __future__ import annotations

import ast

from pensionportal.rules.parameters import all_parameter_names

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
