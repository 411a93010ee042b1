"""Views and API code never query a tenant table themselves: they get tenant objects through
the apps' access helpers, which take the acting user (docs/architecture.md "Access helpers").

A tenant model is an organization, a user, or a model with a foreign-key path to an
organization (a key to the user who entered a row, such as a staff-kept rate, does not make
it one). The lint flags
`Model.objects` and `Model._default_manager` of such a model in any `views` or `api` module
(and `get_object_or_404(Model, ...)`, which skips the helpers the same way).
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator

from django.apps import apps
from django.db import models

from .source import Source, python_sources

EDGE_MODULE = re.compile(r"\.(views|api)(\.|$)")
MANAGERS = {"objects", "_default_manager"}


def tenant_models() -> set[type[models.Model]]:
    organization = apps.get_model("accounts", "Organization")
    user = apps.get_model("accounts", "User")
    tenant: set[type[models.Model]] = {organization}
    every = [m for m in apps.get_models() if m.__module__.startswith("pensionportal.")]
    changed = True
    while changed:
        changed = False
        for model in every:
            if model in tenant:
                continue
            for field in model._meta.get_fields():
                if field.many_to_one or field.one_to_one:
                    target = field.related_model
                    if target in tenant and not field.auto_created:
                        tenant.add(model)
                        changed = True
                        break
    return tenant | {user}


def _resolve(node: ast.expr, namespace: dict[str, object]) -> object:
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, namespace)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def tenant_queries(source: Source, tenant: set[type[models.Model]]) -> Iterator[str]:
    namespace = vars(importlib.import_module(source.module))
    for node in ast.walk(source.tree):
        target: ast.expr | None = None
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            target = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"get_object_or_404", "get_list_or_404"}
            and node.args
        ):
            target = node.args[0]
        if target is None:
            continue
        model = _resolve(target, namespace)
        if model in tenant:
            yield f"{source.where(node)} {ast.unparse(node)[:80]}"


def edge_sources() -> Iterator[Source]:
    for source in python_sources():
        if EDGE_MODULE.search(source.module):
            yield source


def test_views_get_tenant_objects_only_through_access_helpers() -> None:
    tenant = tenant_models()
    found = [hit for source in edge_sources() for hit in tenant_queries(source, tenant)]
    assert found == [], (
        "Ask the app's access.py (access_*, visible_*/…_for(user)) instead:\n" + "\n".join(found)
    )


def test_the_lint_knows_tenant_models_and_flags_a_direct_query() -> None:
    tenant = tenant_models()
    names = {m.__name__ for m in tenant}
    assert {"Organization", "User", "Membership", "Thread", "Submission", "Report"} <= names
    assert "Mailbox" not in names  # the administrator's mailboxes belong to no organization
    assert "InterestRate" not in names  # staff-kept rates: only a key to who entered them
    text = "from pensionportal.reports.models import Report\nReport.objects.filter(pk=1)\n"
    source = Source(
        next(edge_sources()).path, "pensionportal.reports.access", text, ast.parse(text)
    )
    assert [hit.split(" ", 1)[1] for hit in tenant_queries(source, tenant)] == ["Report.objects"]
