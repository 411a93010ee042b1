"""The daily run per employer and the report it publishes (issue 14, "Must do" 2):
publishing is one transaction, and a re-run the same day publishes nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import LazySettings

from pensionportal.files.storage import backend
from pensionportal.missed import actions
from pensionportal.missed.models import PublishedList
from pensionportal.missed.tasks import run_missed_contributions_for
from pensionportal.reports.models import Report, ReportFile
from tests.factories import make_member, make_org

from .helpers import cycles, rates

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _employer_with_a_gap(employee_id: str = "C1"):  # type: ignore[no-untyped-def]
    org = make_org()
    member = make_member(org, employee_id, membership_date=dt.date(2025, 1, 1))
    cycles(org, [member], 4, skip={(0, 1)})
    return org


def test_the_per_employer_task_publishes_once_however_often_it_runs() -> None:
    rates()
    org = _employer_with_a_gap()
    first = run_missed_contributions_for.call(org.pk, TODAY.isoformat())
    again = run_missed_contributions_for.call(org.pk, TODAY.isoformat())
    assert (first["reports"], again["reports"]) == (1, 0)
    assert Report.objects.filter(organization=org).count() == 1


def test_a_crash_while_publishing_publishes_nothing_and_leaves_no_file(
    monkeypatch: pytest.MonkeyPatch, settings: LazySettings
) -> None:
    rates()
    org = _employer_with_a_gap()
    actions.run_for_organization(org, TODAY)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the process died between the report and its record")

    monkeypatch.setattr(PublishedList.objects, "update_or_create", crash)
    with pytest.raises(RuntimeError):
        actions.publish_list(org, TODAY)
    assert not Report.objects.filter(organization=org).exists()
    assert not ReportFile.objects.exists()
    storage = settings.STORAGE_DIR
    assert not any(p.is_file() for p in storage.rglob("*")) if storage.exists() else True
    monkeypatch.undo()
    assert actions.publish_list(org, TODAY) is not None  # the next run publishes it, once
    assert actions.publish_list(org, TODAY) is None
    assert Report.objects.filter(organization=org).count() == 1
    assert all(
        f.file is not None and backend().exists(f.file.name)
        for f in ReportFile.objects.select_related("file")
    )


def test_one_employer_failing_in_the_command_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rates()
    broken, healthy = _employer_with_a_gap("B1"), _employer_with_a_gap("H1")
    real = actions.run_for_organization

    def run(organization, today, actor=None):  # type: ignore[no-untyped-def]
        if organization.pk == broken.pk:
            raise ValueError("bad data")
        return real(organization, today, actor)

    monkeypatch.setattr(actions, "run_for_organization", run)
    result = actions.run_cycle(TODAY)
    assert result.reports == 1
    assert Report.objects.filter(organization=healthy).count() == 1
    assert not Report.objects.filter(organization=broken).exists()
