"""Both ways through the PAY pipeline (issue 18): the whole-file fast paths and the row-by-row
code they stand in for must give the same problems, messages, rows and columns. A test module
that asks for :func:`both_paths` (``pytestmark = pytest.mark.usefixtures("both_paths")``)
runs each of its tests twice, once with the fast paths switched off."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pytest

from pensionportal.datafiles import history_rules, reader
from pensionportal.datafiles.registry import InMemoryRegistry, MemberFacts


def _asked_for(self: InMemoryRegistry, employee_ids: Collection[str]) -> Mapping[str, MemberFacts]:
    return {i: self.facts[i] for i in employee_ids if i in self.facts}


@pytest.fixture(params=["whole-file fast paths", "row by row"])
def both_paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "row by row":
        monkeypatch.setattr(reader, "fast_column", lambda field, column, parse: None)
        monkeypatch.setattr(history_rules, "_one_normal_row_each", lambda parsed: None)
        monkeypatch.setattr(InMemoryRegistry, "members", _asked_for)
        try:
            from pensionportal.submissions.registry_db import DatabaseRegistry
        except ImportError:  # pragma: no cover - the pure datafiles tests without Django
            pass
        else:

            def asked_for(
                self: DatabaseRegistry, employee_ids: Collection[str]
            ) -> Mapping[str, MemberFacts]:
                facts = self._facts
                return {i: facts[i] for i in employee_ids if i in facts}

            monkeypatch.setattr(DatabaseRegistry, "members", asked_for)
    return str(request.param)
