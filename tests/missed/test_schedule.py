"""The scheduled command and task, the demo data, the intake hook."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from pensionportal.missed.models import Case, Finding
from pensionportal.missed.tasks import publish_missed_contributions_reports_task
from pensionportal.reports.models import Report
from tests.factories import make_member, make_org

from .helpers import cycles, rates

pytestmark = pytest.mark.django_db


def test_the_command_runs_the_cycle_once_per_pay_cycle() -> None:
    org = make_org()
    member = make_member(org, "C1", membership_date=dt.date(2025, 1, 1))
    cycles(org, [member], 4, skip={(0, 1)})
    rates()
    out = io.StringIO()
    call_command("publish_missed_contributions_reports", "--date", "2026-06-15", stdout=out)
    assert "1 invoices issued, 1 reports published" in out.getvalue()
    call_command("publish_missed_contributions_reports", "--date", "2026-06-15", stdout=out)
    assert Report.objects.filter(organization=org).count() == 1
    assert Case.objects.filter(organization=org).count() == 1


def test_the_command_refuses_a_bad_date() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("publish_missed_contributions_reports", "--date", "15/06/2026")


def test_the_task_runs_the_cycle() -> None:
    org = make_org()
    member = make_member(org, "T1", membership_date=dt.date(2025, 1, 1))
    cycles(org, [member], 2, skip={(0, 0)})
    rates()
    result = publish_missed_contributions_reports_task.enqueue()
    assert result.return_value is not None
    assert Finding.objects.filter(organization=org).count() == 1


def test_the_demo_has_findings_elections_and_a_published_report() -> None:
    from pensionportal.core.demo import DEMO_EMPLOYER
    from pensionportal.demo import load_demo_data
    from pensionportal.missed import demo

    load_demo_data()
    demo.load()  # idempotent
    org = Case.objects.get(organization__name=DEMO_EMPLOYER).organization
    causes = set(
        Finding.objects.filter(organization=org).values_list("member__employee_id", "cause")
    )
    # D1003 was in the spring cycles and left out of the 2026-10-16 one, her contributions
    # found at another plan
    assert ("D1003", "wrong_plan") in causes
    assert ("D1004", "top_up") in causes
    assert ("D1005", "bridging") in causes
    before_1990 = Finding.objects.get(member__employee_id="N-L001", cause="ltip_pre_1990")
    assert before_1990.amount_unknown
    assert org.members.get(employee_id="D1002").contribution_elections.count() == 1
    assert Report.objects.filter(organization=org, period__startswith="Pay cycle").count() == 1
