"""Who reports what for the year's buyback payments and PAs (the staff list and the
employer's notice), and the new buyback pages' permissions (another organization: 404,
employers: 403 on staff actions, anonymous: sign in)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from pensionportal.accounts.models import Role
from pensionportal.buybacks import actions, lapsing, tax_reporting
from pensionportal.buybacks.models import (
    BuybackLetter,
    DeductionFileEmployer,
    PaymentOption,
    TaxNoticeRun,
)
from pensionportal.exchange.models import ExchangedFile
from pensionportal.members.models import Contribution
from pensionportal.worklist.models import Task
from tests.factories import make_staff, make_user

from .helpers import QUOTE_DATE, application, financed, opseu_member, opseu_org, quoted

pytestmark = pytest.mark.django_db
D = Decimal


def _payroll(member: Any, pay_date: dt.date, amount: str) -> None:
    Contribution.objects.create(
        organization=member.organization,
        member=member,
        pay_date=pay_date,
        period_start=pay_date - dt.timedelta(days=13),
        period_end=pay_date,
        pay_cycle="biweekly",
        contribution_type="N",
        service_type="REG",
        pensionable_hours=D("75"),
        pensionable_pay=D("2683.09"),
        employee_regular=D("250"),
        buyback=D(amount),
        employer_regular=D("250"),
        payment_reference="R1",
        source_submission_id=1,
        source_row=2,
    )


def _leave_buyback(staff: Any, org: Any, agreed: dt.date) -> Any:
    member = opseu_member(org)
    buyback = application(
        staff,
        member,
        service_type="statutory-leave",
        start=dt.date(2025, 9, 1),
        end=dt.date(2025, 12, 31),
        received=dt.date(2026, 1, 20),
    )
    buyback = actions.issue_quote(
        staff, buyback, complete_date=buyback.received_date, quote_date=agreed
    )
    return actions.record_agreement(
        staff, buyback, actions.AgreementInput(agreed, PaymentOption.LUMP_SUM)
    )


def test_the_years_list_names_who_reports_each_payment() -> None:
    staff = make_staff(mfa=False)
    corpay, other = opseu_org("CORPAY employer"), opseu_org("Agency")
    DeductionFileEmployer.objects.create(organization=corpay)
    for org in (corpay, other):
        member = opseu_member(org)
        financed(staff, member)
        _payroll(member, dt.date(2026, 4, 10), "200.00")
        _payroll(member, dt.date(2026, 4, 24), "200.00")
    lines = tax_reporting.year_lines(2026)
    payroll = {line.organization.name: line for line in lines if line.what.startswith("Payroll")}
    assert payroll["CORPAY employer"].amount == D("400.00")
    assert payroll["CORPAY employer"].who == "T4A issued by the administrator"
    assert payroll["CORPAY employer"].due == dt.date(2027, 2, 15)
    assert payroll["Agency"].who == "reported by the employer on the member's T4"
    assert payroll["Agency"].employer_acts
    # the non-contributory purchases: PA amendment requests to the employer (agreed 2026)
    pa = [line for line in lines if line.what.startswith("Pension adjustment")]
    assert {line.who for line in pa} == {
        "PA amendment request to the employer (amend the PA on the T4)"
    }


def test_a_leave_purchase_signed_before_april_30_is_flagged_for_the_administrators_pa() -> None:
    staff = make_staff(mfa=False)
    org = opseu_org()
    _leave_buyback(staff, org, dt.date(2026, 4, 29))
    lines = tax_reporting.year_lines(2025)
    assert len(lines) == 1
    assert lines[0].administrator_files_pa
    assert "received before 2026-04-30" in lines[0].reason


def test_a_leave_purchase_signed_on_april_30_is_a_pa_amendment_request() -> None:
    staff = make_staff(mfa=False)
    _leave_buyback(staff, opseu_org(), dt.date(2026, 4, 30))
    [line] = tax_reporting.year_lines(2025)
    assert not line.administrator_files_pa
    assert line.employer_acts


def test_each_employer_gets_its_notice_once(client: Any) -> None:
    staff = make_staff(mfa=False)
    org = opseu_org()
    make_user(org, [Role.FILE_UPLOAD])
    member = opseu_member(org)
    financed(staff, member)
    _payroll(member, dt.date(2026, 4, 10), "200.00")
    runs = tax_reporting.issue_notices(staff, 2026)
    assert len(runs) == 1
    run = TaxNoticeRun.objects.get(organization=org, year=2026)
    delivered = ExchangedFile.objects.get(pk=run.delivered_file_id or 0)
    assert delivered.organization == org
    assert tax_reporting.issue_notices(staff, 2026) == []


def test_the_year_tasks_appear_from_january_until_mid_february() -> None:
    staff = make_staff(mfa=False)
    member = opseu_member()
    financed(staff, member)
    _payroll(member, dt.date(2026, 4, 10), "200.00")
    assert tax_reporting.sync_year_tasks(dt.date(2027, 1, 2)) == 2
    task = Task.objects.get(key="buyback-t4a:2026")
    assert task.due_date == dt.date(2027, 2, 15)
    assert tax_reporting.sync_year_tasks(dt.date(2027, 2, 16)) == 0


def test_the_tax_page_and_csv_are_for_staff(client: Any) -> None:
    staff = make_staff()
    org = opseu_org()
    member = opseu_member(org)
    financed(staff, member)
    _payroll(member, dt.date(2026, 4, 10), "200.00")
    client.force_login(staff)
    page = client.get("/buybacks/tax/?year=2026")
    assert page.status_code == 200
    assert member.employee_id in page.content.decode()
    csv_file = client.get("/buybacks/tax/?year=2026&format=csv")
    assert csv_file["Content-Type"] == "text/csv"
    assert b"Payroll deductions" in b"".join(csv_file.streaming_content)
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    assert client.get("/buybacks/tax/?year=2026").status_code == 403
    client.logout()
    assert client.get("/buybacks/tax/").status_code == 302


def test_the_detail_page_shows_the_quote_history_and_the_letters(client: Any) -> None:
    staff = make_staff()
    buyback = quoted(staff, opseu_member())
    lapsing.lapse_quotes(QUOTE_DATE + dt.timedelta(days=46))
    client.force_login(staff)
    page = client.get(f"/buybacks/{buyback.pk}/").content.decode()
    # The status names no number (issue 13); the page states the window in force.
    assert "Lapsed: no answer in time" in page
    assert "(45 days)" in page
    assert "Issue a new quote" in page
    letter = BuybackLetter.objects.get(buyback=buyback)
    download = client.get(f"/buybacks/letters/{letter.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_staff_reissue_and_change_through_the_pages(client: Any) -> None:
    staff = make_staff()
    org = opseu_org()
    buyback = quoted(staff, opseu_member(org))
    lapsing.lapse_quotes(QUOTE_DATE + dt.timedelta(days=46))
    client.force_login(staff)
    response = client.post(
        f"/buybacks/{buyback.pk}/reissue/", {"quote_date": "2026-06-01", "salary_rate": "75000"}
    )
    assert response.status_code == 302
    buyback.refresh_from_db()
    assert buyback.status == "quoted"
    bad = client.post(f"/buybacks/{buyback.pk}/reissue/", {"quote_date": "2026-06-02"})
    assert bad.status_code == 400
    assert "not lapsed" in bad.content.decode()
    funded = financed(staff, opseu_member(org, sin="130692544"))
    line = funded.direction.lines.all()[3]  # type: ignore[union-attr]
    ok = client.post(
        f"/buybacks/{funded.pk}/change/",
        {"requested_on": "2026-04-01", "payment": "250.00", "effective_from": str(line.due_date)},
    )
    assert ok.status_code == 302
    refused = client.post(
        f"/buybacks/{funded.pk}/change/",
        {"requested_on": "2026-04-01", "payment": "260.00", "effective_from": "2026-04-02"},
    )
    assert refused.status_code == 400
    assert "scheduled pay date" in refused.content.decode()


def test_employers_cannot_use_the_staff_actions_and_another_organization_is_404(
    client: Any,
) -> None:
    staff = make_staff(mfa=False)
    org, other = opseu_org(), opseu_org()
    buyback = financed(staff, opseu_member(org))
    lapsing.write_reminders(dt.date(2026, 4, 1))
    client.force_login(make_user(org, [Role.FILE_UPLOAD]))
    assert client.get(f"/buybacks/{buyback.pk}/").status_code == 200
    data = {"requested_on": "2026-04-01", "payment": "250", "effective_from": "2026-04-10"}
    assert client.post(f"/buybacks/{buyback.pk}/change/", data).status_code == 403
    assert client.post(f"/buybacks/{buyback.pk}/reissue/", {}).status_code == 403
    client.force_login(make_user(other, [Role.FILE_UPLOAD]))
    assert client.get(f"/buybacks/{buyback.pk}/").status_code == 404
    # A staff action is a section employers lack: 403 before any lookup, whatever the id,
    # so it reveals nothing (issue 17: the section check comes first, tests/security).
    assert client.post(f"/buybacks/{buyback.pk}/change/", data).status_code == 403
    client.logout()
    assert client.post(f"/buybacks/{buyback.pk}/change/", data).status_code == 302
