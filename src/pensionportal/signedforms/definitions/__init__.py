"""The plan's employer forms (reporting-pension-data.txt "Forms and tools"), in the order
of Forms and Publications."""

from __future__ import annotations

from ..spec import FormSpec
from .employment import F1035, F1040
from .enrolment import F1005, F1074
from .leaves import F1025, F1025ER
from .part_time import F1030
from .retirement import F1008, F3002
from .termination import F1012

FORMS: dict[str, FormSpec] = {
    spec.code: spec
    for spec in (F1005, F1012, F1025ER, F1025, F1030, F1035, F1040, F1074, F3002, F1008)
}


def get(code: str) -> FormSpec | None:
    return FORMS.get(code)
