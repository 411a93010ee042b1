"""The demo shows every member-event deadline in the staff queue and the employer's to-dos,
and loads twice without change."""

from __future__ import annotations

import pytest

from pensionportal.demo import load_demo_data
from pensionportal.memberevents import demo
from pensionportal.worklist.models import Task, TaskStatus

pytestmark = pytest.mark.django_db


def test_the_demo_lists_each_member_event_and_is_idempotent() -> None:
    load_demo_data()
    before = Task.objects.count()
    demo.load()
    assert Task.objects.count() == before
    open_kinds = set(Task.objects.filter(status=TaskStatus.OPEN).values_list("kind", flat=True))
    assert {
        "termination_statement",
        "retirement_pension",
        "retirement_report",
        "pension_start_71",
        "pension_start_71_employer",
        "prior_service_data",
        "pa_calculation",
        "employer_pa_file",
        "buyback_response",
        "regulator_notice",
    } <= open_kinds
