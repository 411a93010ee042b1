"""PAY-file rules: header dates, remittance total, signs, buyback codes, and the expected
contributions recomputed by the rules engine.

Sources: select-employer-manual.txt §2 'Contribution Data' (header and detail fields, the
remittance "should equal the sum of all detailed contribution transactions"), §1
'Calculation and Deduction of Pension Contributions' (3% + 3% + 0.2% special), and
reporting-pension-data.txt 'Buyback deductions' 'Codes' (054, 055, 056).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from itertools import compress, repeat
from operator import gt, is_, mul, sub

from pensionportal.datafiles import layout
from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.model import ParsedFile
from pensionportal.datafiles.problems import FieldColumn, Problem
from pensionportal.datafiles.registry import MemberFacts
from pensionportal.rules.contributions import (
    Frequency,
    Participation,
    Plan,
    ReportedPay,
    SelectContribution,
    compute,
)
from pensionportal.rules.parameters import ParameterNotInForce

CONTRIBUTION_FIELDS = (
    "employee_regular",
    "buyback",
    "employee_interest",
    "employer_regular",
    "employer_special",
    "employer_interest",
)
MONEY_FIELDS = ("pensionable_pay", *CONTRIBUTION_FIELDS)
FREQUENCIES = {
    "weekly": Frequency.WEEKLY,
    "bi-weekly": Frequency.BIWEEKLY,
    "semi-monthly": Frequency.SEMI_MONTHLY,
    "monthly": Frequency.MONTHLY,
    "annually": Frequency.ANNUAL,
}
ZERO = Decimal(0)
CENT = Decimal("0.01")


def check_header(parsed: ParsedFile, problems: list[Problem]) -> None:
    header = parsed.header
    if header is None:
        return
    values = header.values
    start, end, paid = values.get("period_start"), values.get("period_end"), values.get("pay_date")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
        problems.append(
            FieldColumn.of(parsed.template, "period_end").problem(
                "dates.order",
                f"Pay Period Start Date ({start}) is after Pay Period End Date ({end}).",
                header.number,
                end.isoformat(),
            )
        )
    if isinstance(start, dt.date) and isinstance(paid, dt.date) and paid < start:
        problems.append(
            FieldColumn.of(parsed.template, "pay_date").problem(
                "pay.pay_date",
                f"Pay Date ({paid}) is before the pay period starts ({start}).",
                header.number,
                paid.isoformat(),
            )
        )


def periods(parsed: ParsedFile) -> tuple[list[dt.date | None], list[dt.date | None]]:
    """Each detail row's period: its own dates, else the header's."""
    header = parsed.header
    default_start = header.values.get("period_start") if header else None
    default_end = header.values.get("period_end") if header else None
    starts = [v or default_start for v in parsed.column("period_start")]
    ends = [v or default_end for v in parsed.column("period_end")]
    return starts, ends  # type: ignore[return-value]


def _decimals(column: Sequence[object]) -> Iterator[Decimal]:
    """The non-blank amounts of a money column (all Decimal once read)."""
    return filter(None, column)  # type: ignore[arg-type]


def check_details(parsed: ParsedFile, problems: list[Problem]) -> None:
    """Per detail row: period order, signs, buyback code."""
    numbers = parsed.rows.numbers
    starts, ends = periods(parsed)
    own_dates = any(parsed.column("period_start")) or any(parsed.column("period_end"))
    for number, start, end in zip(numbers, starts, ends, strict=True) if own_dates else ():
        if start and end and start > end:
            problems.append(
                FieldColumn.of(parsed.template, "period_end").problem(
                    "dates.order",
                    f"The row's pay period starts ({start}) after it ends ({end}).",
                    number,
                    str(end),
                )
            )
    types = parsed.column("contribution_type")
    for key in MONEY_FIELDS:
        amounts = parsed.column(key)
        if min(_decimals(amounts), default=ZERO) >= ZERO:
            continue  # no negative amount at all (the usual case)
        column = FieldColumn.of(parsed.template, key)
        for number, kind, amount in zip(numbers, types, amounts, strict=True):
            if amount and amount < ZERO and kind != "A":  # type: ignore[operator]
                problems.append(
                    column.problem(
                        "pay.negative",
                        "Negative amounts are allowed on Adjustment (A) rows only.",
                        number,
                        str(amount),
                    )
                )
    present = _present(parsed)
    codes, buybacks = parsed.column("buyback_code"), parsed.column("buyback")
    for number, code, buyback in zip(numbers, codes, buybacks, strict=True):
        if code is not None and not buyback:
            problems.append(
                FieldColumn.of(parsed.template, "buyback_code").problem(
                    "pay.buyback_code",
                    "A Buyback Code is given without a Buyback Contribution.",
                    number,
                    str(code),
                )
            )
        elif code is None and buyback and "buyback_code" in present:
            problems.append(
                FieldColumn.of(parsed.template, "buyback_code").problem(
                    "pay.buyback_code_missing",
                    "A Buyback Contribution should carry its Buyback Code (054, 055 or 056).",
                    number,
                )
            )


def _present(parsed: ParsedFile) -> set[str]:
    columns = layout.match_columns(parsed.columns, layout.lookup(parsed.template))
    return columns.keys()


def check_remittance_total(parsed: ParsedFile, problems: list[Problem]) -> None:
    """The header's Remittance Amount equals the sum of all detail contributions, to the cent."""
    header = parsed.header
    if header is None:
        return
    remitted = header.values.get("remittance_amount")
    if not isinstance(remitted, Decimal):
        return
    if any(p.field in CONTRIBUTION_FIELDS and p.rule != "value.required" for p in parsed.problems):
        return  # a total over unreadable amounts would only mislead
    total = ZERO
    for key in CONTRIBUTION_FIELDS:
        total += sum(_decimals(parsed.column(key)), ZERO)
    if total != remitted:
        problems.append(
            FieldColumn.of(parsed.template, "remittance_amount").problem(
                "pay.remittance_total",
                f"Remittance Amount is {remitted:,.2f} but the detail contributions add up to "
                f"{total:,.2f} (difference {remitted - total:,.2f}).",
                header.number,
                str(remitted),
            )
        )


Rates = tuple[Decimal, Decimal, Decimal]


def rates_lookup(
    context: ValidationContext, frequency: Frequency
) -> Callable[[dt.date, dt.date | None], Rates]:
    """Member, employer and special rates per (pay date, enrolment date), from the rules
    engine once per key: ``compute`` on a reference pay of 1 gives the rates it applies."""
    cache: dict[tuple[dt.date, dt.date | None], Rates] = {}
    participation = context.participation
    reorganised = participation is not None and participation.reorganisation_date is not None

    def rates(pay_date: dt.date, enrolled: dt.date | None) -> Rates:
        key = (pay_date, enrolled if reorganised else None)
        found = cache.get(key)
        if found is None:
            member_participation = participation
            if reorganised and participation is not None:
                member_participation = Participation(
                    participation.participation_date,
                    participation.reorganisation_date,
                    enrolled,
                )
            result = compute(
                Plan.SELECT,
                ReportedPay(Decimal(1), Decimal(1)),
                pay_date,
                frequency,
                member_participation,
            )
            assert isinstance(result, SelectContribution)
            found = (result.member.rate, result.employer.rate, result.employer.special_rate)
            cache[key] = found
        return found

    return rates


def check_expected_contributions(
    parsed: ParsedFile,
    facts: dict[str, MemberFacts],
    context: ValidationContext,
    problems: list[Problem],
) -> None:
    """A WARNING, with the expected figure, when a reported contribution differs from the
    plan's formula by more than the tolerance (OPTrust Select: 3% member, 3% employer,
    0.2% special when it applies - checked only when the participation date is known).

    The rates come from the rules engine once per (pay date, enrolment date); each share is
    rounded to the cent, half up, as ``rules.money.to_cents`` (and ``contributions_on``)
    do. A test checks the figures against ``rules.contributions.compute`` row by row.
    """
    header = parsed.header
    if header is None:
        return
    pay_date, cycle = header.values.get("pay_date"), header.values.get("pay_cycle")
    if not isinstance(pay_date, dt.date) or not isinstance(cycle, str):
        return
    try:
        _check_expected(parsed, facts, context, pay_date, cycle, problems)
    except ParameterNotInForce:
        problems.append(
            FieldColumn.of(parsed.template, "pay_date").problem(
                "pay.rates_not_on_record",
                f"The contributions could not be checked: the plan's contribution rates for "
                f"the pay date {pay_date.isoformat()} are not on record.",
                header.number,
                pay_date.isoformat(),
            )
        )


def _check_expected(
    parsed: ParsedFile,
    facts: dict[str, MemberFacts],
    context: ValidationContext,
    pay_date: dt.date,
    cycle: str,
    problems: list[Problem],
) -> None:
    if context.plan is Plan.OPSEU:
        _expected_opseu(parsed, facts, context, pay_date, FREQUENCIES[cycle], problems)
        return
    rates = rates_lookup(context, FREQUENCIES[cycle])
    tolerance = context.tolerance
    check_special = context.participation is not None
    per_member = bool(
        context.participation is not None and context.participation.reorganisation_date
    )
    member_rate, employer_rate, special_rate = rates(pay_date, None)
    if not per_member and _all_present(parsed):
        _expected_by_column(parsed, (member_rate, employer_rate, special_rate), context, problems)
        return
    cent, half_up = CENT, ROUND_HALF_UP
    employees = parsed.column("employee_id")
    for number, employee, pay, member_paid, employer_paid, special_paid in zip(
        parsed.rows.numbers,
        employees,
        parsed.column("pensionable_pay"),
        parsed.column("employee_regular"),
        parsed.column("employer_regular"),
        parsed.column("employer_special"),
        strict=True,
    ):
        if pay is None:
            continue
        if per_member:
            member = facts.get(employee)
            member_rate, employer_rate, special_rate = rates(
                pay_date, member.membership_date if member else None
            )
        if member_paid is not None:
            expected = (pay * member_rate).quantize(cent, half_up)
            if abs(member_paid - expected) > tolerance:
                problems.append(
                    _differs(number, "employee_regular", member_paid, expected, pay, member_rate)
                )
        if employer_paid is not None:
            expected = (pay * employer_rate).quantize(cent, half_up)
            if abs(employer_paid - expected) > tolerance:
                problems.append(
                    _differs(
                        number, "employer_regular", employer_paid, expected, pay, employer_rate
                    )
                )
        if check_special:
            paid = special_paid or ZERO
            expected = (pay * special_rate).quantize(cent, half_up)
            if abs(paid - expected) > tolerance:
                problems.append(
                    _differs(number, "employer_special", paid, expected, pay, special_rate)
                )


def _expected_opseu(
    parsed: ParsedFile,
    facts: dict[str, MemberFacts],
    context: ValidationContext,
    pay_date: dt.date,
    frequency: Frequency,
    problems: list[Problem],
) -> None:
    """OPSEU Pension Plan: the annualized CPP-integrated method ("How to calculate") on the
    reported Pensionable Pay, with the member's full-time annual pay rate on record as the
    annualized salary; the employer pays the same as the member. Rows of members with no
    pay rate on record are not checked."""
    cache: dict[tuple[Decimal, Decimal], Decimal] = {}
    columns = (
        parsed.rows.numbers,
        parsed.column("employee_id"),
        parsed.column("pensionable_pay"),
        parsed.column("employee_regular"),
        parsed.column("employer_regular"),
    )
    for number, employee, pay, member_paid, employer_paid in zip(*columns, strict=True):
        known = facts.get(str(employee)) if employee is not None else None
        rate = known.annual_pay_rate if known is not None else None
        if not isinstance(pay, Decimal) or not rate:
            continue
        expected = cache.get((rate, pay))
        if expected is None:
            result = compute(Plan.OPSEU, ReportedPay(rate, pay), pay_date, frequency)
            expected = result.member.total
            cache[(rate, pay)] = expected
        for key, paid in (("employee_regular", member_paid), ("employer_regular", employer_paid)):
            if isinstance(paid, Decimal) and abs(paid - expected) > context.tolerance:
                problems.append(_differs_opseu(number, key, paid, expected, pay, rate))


def _differs_opseu(
    row: int, key: str, reported: Decimal, expected: Decimal, pay: Decimal, salary: Decimal
) -> Problem:
    return _expected_contribution(
        row,
        key,
        reported,
        f"the OPSEU Pension Plan formula on Pensionable Pay {pay:,.2f} with an annual salary "
        f"rate of {salary:,.2f} gives",
        expected,
    )


def _none_free(column: Sequence[object]) -> bool:
    return not any(map(is_, column, repeat(None)))


def _all_present(parsed: ParsedFile) -> bool:
    return all(
        _none_free(parsed.column(key))
        for key in ("pensionable_pay", "employee_regular", "employer_regular")
    )


def _expected_by_column(
    parsed: ParsedFile, rates: Rates, context: ValidationContext, problems: list[Problem]
) -> None:
    """The same check as the row loop, as C-level ``map`` passes over whole columns."""
    pays = parsed.column("pensionable_pay")
    count = len(pays)
    tolerance = context.tolerance
    shares = [("employee_regular", rates[0]), ("employer_regular", rates[1])]
    if context.participation is not None:
        shares.append(("employer_special", rates[2]))
    for key, rate in shares:
        reported = parsed.column(key)
        if key == "employer_special":
            reported = [ZERO if v is None else v for v in reported]
        # An iterator, not a list: 100,000 expected amounts are not kept, only the few that
        # differ are computed again for their message.
        expected = map(
            Decimal.quantize, map(mul, pays, repeat(rate)), repeat(CENT), repeat(ROUND_HALF_UP)
        )
        off = map(gt, map(abs, map(sub, reported, expected)), repeat(tolerance))
        for i in compress(range(count), off):
            due = (pays[i] * rate).quantize(CENT, ROUND_HALF_UP)  # type: ignore[operator]
            problems.append(_differs(parsed.rows.numbers[i], key, reported[i], due, pays[i], rate))


_SHARES = {
    "employee_regular": ("Employee Regular Contribution", "member"),
    "employer_regular": ("Employer Regular Contribution", "employer"),
    "employer_special": ("Employer Special Contribution", "employer special"),
}


def _differs(
    row: int, key: str, reported: object, expected: Decimal, pay: object, rate: Decimal
) -> Problem:
    assert isinstance(reported, Decimal)
    assert isinstance(pay, Decimal)
    _label, share = _SHARES[key]
    if rate:
        percent = (rate * 100).normalize()
        basis = f"the plan's {share} rate of {percent:f}% on Pensionable Pay {pay:,.2f} gives"
    else:
        basis = f"no {share} contribution is due on this pay date, so the expected figure is"
    return _expected_contribution(row, key, reported, basis, expected)


def _expected_contribution(
    row: int, key: str, reported: Decimal, basis: str, expected: Decimal
) -> Problem:
    """`reported` in the column of `key` is not the `expected` figure `basis` gives."""
    label, _share = _SHARES[key]
    return FieldColumn(key, label).problem(
        "pay.expected_contribution",
        f"{label} is {reported:,.2f}; {basis} {expected:,.2f} "
        f"(difference {reported - expected:,.2f}).",
        row,
        str(reported),
    )
