"""Member-event deadlines, buyback response windows, combined options, service credit, and
who reports buyback payments and PAs. Each case names its source; edges are tested on both
sides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.rules import buyback_tax, buybacks, member_events
from pensionportal.rules.buyback_tax import PaFiler, PaymentMethod, Purchase, Slip
from pensionportal.rules.buybacks import ServiceType

D = dt.date
S3 = "seeds/select-employer-manual.txt §3"
S2 = "seeds/select-employer-manual.txt §2"


# --- member events -------------------------------------------------------------------------


def test_termination_statement_is_due_30_days_after_the_termination() -> None:
    # source: S3 'Termination' (30 days following the termination of employment)
    assert member_events.termination_statement_due(D(2026, 3, 2), D(2026, 3, 2)) == D(2026, 4, 1)


def test_a_late_ter_counts_the_30_days_from_the_day_it_arrived() -> None:
    # choice (docs/memberevents.md): the administrator cannot act before it knows
    assert member_events.termination_statement_due(D(2026, 1, 15), D(2026, 3, 1)) == D(2026, 3, 31)


@pytest.mark.parametrize(
    ("received", "timing"),
    [
        (D(2026, 12, 31), member_events.NoticeTiming.EARLY),  # 6 months and a day before
        (D(2027, 1, 1), member_events.NoticeTiming.ON_TIME),  # six months before
        (D(2027, 3, 1), member_events.NoticeTiming.ON_TIME),  # four months before
        (D(2027, 3, 2), member_events.NoticeTiming.LATE),
    ],
)
def test_the_notice_of_intent_to_retire_is_expected_four_to_six_months_ahead(
    received: dt.date, timing: member_events.NoticeTiming
) -> None:
    # source: S3 'Retirement' ("four to six months prior to retirement date")
    assert member_events.notice_timing(received, D(2027, 7, 1)) is timing


def test_the_pension_starts_by_november_30_of_the_year_of_71_listed_six_months_ahead() -> None:
    # source: S3 'Retirement'; listing months: a choice (pension_start_listing_months)
    found = member_events.pension_start_deadline(D(1955, 12, 15))
    assert found.deadline == D(2026, 11, 30)
    assert found.listed_from == D(2026, 5, 30)


def test_a_29_february_birthday_reaches_71_in_the_right_year() -> None:
    assert member_events.pension_start_deadline(D(1956, 2, 29)).deadline == D(2027, 11, 30)


def test_prior_service_data_is_due_30_days_after_participation() -> None:
    # source: S2 'Prior Service Data' ("within 30 days of your plan participation date")
    assert member_events.prior_service_due(D(2025, 6, 1)) == D(2025, 7, 1)


def test_the_pa_calculation_is_due_15_business_days_after_the_years_last_data() -> None:
    # source: S2 'Pension Adjustment Data'; Friday 8 January 2027 + 15 business days
    assert member_events.pa_calculation_due(D(2027, 1, 8)) == D(2027, 1, 29)


@pytest.mark.parametrize(
    ("year", "cra", "employer_file"),
    [
        # 28 February 2027 is a Sunday: the CRA deadline moves to Monday 1 March
        (2026, D(2027, 3, 1), D(2027, 3, 8)),
        # 29 February 2024 is a Thursday
        (2023, D(2024, 2, 29), D(2024, 3, 7)),
    ],
)
def test_the_employer_pa_file_is_due_5_business_days_after_the_cra_deadline(
    year: int, cra: dt.date, employer_file: dt.date
) -> None:
    # source: S2 'Pension Adjustment Data'; CRA RC4120 (last day of February)
    assert member_events.cra_t4_deadline(year) == cra
    assert member_events.employer_pa_file_due(year) == employer_file


# --- buyback windows, combined option, credit ----------------------------------------------


def test_the_1017_response_window_ends_on_the_45th_day() -> None:
    # source: seeds/buybacks.txt 'Buyback procedures' step 3 ("respond within 45 days")
    assert buybacks.response_deadline(D(2026, 3, 2)) == D(2026, 4, 16)
    assert buybacks.reminder_date(D(2026, 3, 2)) == D(2026, 4, 1)


@pytest.mark.parametrize(
    ("lump", "classified", "allowed", "reason"),
    [
        ("700.00", True, True, "$500.00 remains"),
        ("700.01", True, False, "at least $500"),
        ("1200.00", True, False, "whole cost"),
        ("0", True, False, "more than $0"),
        ("100.00", False, False, "classified"),
    ],
)
def test_the_combined_option_says_whether_the_rest_may_be_financed(
    lump: str, classified: bool, allowed: bool, reason: str
) -> None:
    # source: seeds/buybacks.txt 'Combined lump sum / financing option'
    answer = buybacks.combined_option(Decimal(1200), Decimal(lump), classified, D(2026, 1, 5))
    assert answer.allowed is allowed
    assert reason in answer.reason


def test_members_on_unpaid_leave_or_unclassified_may_pay_directly() -> None:
    # source: seeds/buybacks.txt 'Other payment options for members'
    on = D(2026, 1, 5)
    leave = buybacks.payment_options(Decimal(5000), True, on, on_unpaid_leave=True)
    assert (leave.financing, leave.direct) == (False, True)
    seasonal = buybacks.payment_options(Decimal(5000), False, on)
    assert (seasonal.financing, seasonal.direct) == (False, True)
    assert not buybacks.payment_options(Decimal(499), False, on).direct  # lump sum only


def test_a_stopped_buyback_credits_the_service_paid_for() -> None:
    assert buybacks.credited_years(Decimal(2), Decimal("13268.80"), Decimal("6634.40")) == 1
    assert buybacks.credited_years(Decimal(2), Decimal("100"), Decimal("150")) == 2
    assert buybacks.credited_years(Decimal(2), Decimal("100"), Decimal("0")) == 0


def test_the_24_month_window_is_judged_on_the_day_the_form_was_received() -> None:
    # Defect: the window was judged on the complete-application date. seeds/buybacks.txt
    # 'What is a "complete application"?': the 1036 "is the only document that must be
    # received within the 24-month deadline"; the cost is as of the complete application.
    request = buybacks.BuybackRequest(
        ServiceType.NON_CONTRIBUTORY,
        D(2015, 1, 1),
        D(2015, 12, 31),
        Decimal(70000),
        application_date=D(2024, 3, 1),  # complete, after the deadline
        window_start=D(2022, 1, 1),  # deadline 2024-01-01
        received_date=D(2023, 12, 20),
    )
    quote = buybacks.quote(request)
    assert not quote.actuarial_quote_required
    assert quote.within_application_window


# --- who reports what ----------------------------------------------------------------------
TAX = "seeds/buybacks.txt 'T4 tax reporting'"


@pytest.mark.parametrize(
    ("method", "corpay", "slip", "due"),
    [
        (PaymentMethod.PAYROLL, True, Slip.T4A_BY_ADMINISTRATOR, D(2027, 2, 15)),
        (PaymentMethod.LUMP_SUM, True, Slip.T4A_BY_ADMINISTRATOR, D(2027, 2, 15)),
        (PaymentMethod.PAYROLL, False, Slip.T4_BY_EMPLOYER, D(2027, 3, 1)),
        (PaymentMethod.DIRECT, False, Slip.T4A_BY_ADMINISTRATOR, D(2027, 2, 15)),
        (PaymentMethod.LUMP_SUM, False, Slip.T4A_BY_ADMINISTRATOR, D(2027, 2, 15)),
    ],
)
def test_who_reports_each_buyback_payment(
    method: PaymentMethod, corpay: bool, slip: Slip, due: dt.date
) -> None:
    # source: TAX (T4A by mid-February; non-CORPAY payroll deductions on the employer's T4)
    found = buyback_tax.payment_reporting(method, D(2026, 7, 3), corpay)
    assert (found.slip, found.tax_year, found.due) == (slip, 2026, due)


def _leave(received: dt.date | None, corpay: bool = True, lump: bool = False) -> Purchase:
    return Purchase(
        ServiceType.STATUTORY_LEAVE, D(2026, 1, 5), D(2026, 6, 30), received, corpay, lump
    )


@pytest.mark.parametrize(
    ("purchase", "filer"),
    [
        # signed 1017 received before April 30 of the following year: the 29th, not the 30th
        (_leave(D(2027, 4, 29)), PaFiler.ADMINISTRATOR),
        (_leave(D(2027, 4, 30)), PaFiler.EMPLOYER_AMENDS),
        (_leave(None), PaFiler.EMPLOYER_AMENDS),
        # non-CORPAY: only when paid by lump sum
        (_leave(D(2027, 1, 10), corpay=False), PaFiler.EMPLOYER_AMENDS),
        (_leave(D(2027, 1, 10), corpay=False, lump=True), PaFiler.ADMINISTRATOR),
    ],
)
def test_leave_purchases_signed_before_april_30_are_flagged_for_the_administrators_pa(
    purchase: Purchase, filer: PaFiler
) -> None:
    # source: seeds/buybacks.txt 'Leaves of absence and temporary part-time work arrangements'
    found = buyback_tax.pa_responsibility(purchase)
    assert found.filer is filer
    assert found.tax_year == 2026
    assert found.agreement_cutoff == D(2027, 4, 30)


def test_non_contributory_service_gets_a_pa_amendment_request_and_pre_1990_none() -> None:
    # source: seeds/buybacks.txt 'Non-contributory service', 'Pension adjustments'
    later = Purchase(
        ServiceType.NON_CONTRIBUTORY, D(2015, 1, 1), D(2016, 12, 31), D(2026, 3, 16), True, False
    )
    assert buyback_tax.pa_responsibility(later).filer is PaFiler.EMPLOYER_AMENDS
    assert buyback_tax.pa_responsibility(later).tax_year == 2026
    early = Purchase(
        ServiceType.NON_CONTRIBUTORY, D(1988, 1, 1), D(1989, 12, 31), D(2026, 3, 16), True, False
    )
    assert buyback_tax.pa_responsibility(early).filer is PaFiler.NONE


def test_the_employer_reports_the_pa_for_reduced_hours_of_an_arrangement() -> None:
    # source: seeds/buybacks.txt 'Reminder! Employers are responsible for ... reduced hours'
    found = buyback_tax.pa_responsibility(
        Purchase(ServiceType.PART_TIME, D(2025, 3, 1), D(2025, 8, 31), D(2026, 2, 1), True, False)
    )
    assert found.administrator_files
    assert found.employer_reports_reduced_hours
