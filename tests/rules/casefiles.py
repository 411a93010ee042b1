"""Load the YAML case files in tests/rules/cases/ as pytest parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

CASES = Path(__file__).parent / "cases"


def cases(name: str) -> list[Any]:
    """One ``pytest.param`` per case, with the case id; every case must name its source."""
    document = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    params = []
    for index, case in enumerate(document["cases"]):
        assert str(case.get("source", "")).strip(), f"{name}.yaml case {index} has no source"
        case_id = case.get("id") or f"{case['parameter']}@{case['on']}"
        params.append(pytest.param(case, id=str(case_id)))
    return params
