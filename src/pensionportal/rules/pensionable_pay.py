"""Which pay components are pensionable, for each plan.

Sources: seeds/reporting-pension-data.txt "Pensionable salary" ("Definition",
"Application", "Payments not included in pensionable salary") for the OPSEU Pension
Plan, and seeds/select-employer-manual.txt Section 1 "Calculation and Deduction of
Pension Contributions" (inclusions/exclusions chart) for OPTrust Select. The two lists
differ: shift premiums paid regularly are pensionable in Select and never in OPSEU;
salary continuance after termination is pensionable in Select only.

Where a list is silent, the choice is marked ``(choice)`` in the reason and documented in
docs/rules.md.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules.contributions import Plan


class PayComponent(enum.StrEnum):
    REGULAR_SALARY = "regular_salary"
    MERIT_OR_MARKET_ADJUSTMENT = "merit_or_market_adjustment"
    VACATION_TAKEN = "vacation_taken"
    STATUTORY_HOLIDAY_TAKEN = "statutory_holiday_taken"
    REGULAR_ALLOWANCE = "regular_allowance"
    RETROACTIVE_SALARY = "retroactive_salary"
    COMPENSATING_TIME = "compensating_time"
    SICK_PAY = "sick_pay"
    SALARY_NOTE = "salary_note"
    ISOLATION_OR_REMOTE_PAY = "isolation_or_remote_pay"
    LONG_SERVICE_PAY = "long_service_pay"
    TOP_UP_SALARY = "top_up_salary"
    REGULAR_SHIFT_PREMIUM = "regular_shift_premium"
    OVERTIME = "overtime"
    BONUS = "bonus"
    REGULAR_PERIODIC_BONUS = "regular_periodic_bonus"
    ONE_TIME_PAYMENT = "one_time_payment"
    SEVERANCE_LUMP_SUM = "severance_lump_sum"
    SEVERANCE_SALARY_CONTINUANCE = "severance_salary_continuance"
    PAY_IN_LIEU_OF_NOTICE = "pay_in_lieu_of_notice"
    VACATION_PAY_IN_LIEU = "vacation_pay_in_lieu"
    PAY_IN_LIEU_OF_BENEFITS = "pay_in_lieu_of_benefits"
    EXPENSE_REIMBURSEMENT = "expense_reimbursement"
    ON_CALL_STANDBY = "on_call_standby"
    IRREGULAR_PAYMENT = "irregular_payment"


@dataclass(frozen=True)
class Classification:
    component: PayComponent
    plan: Plan
    included: bool
    reason: str


_OPSEU = "seeds/reporting-pension-data.txt 'Pensionable salary'"
_SELECT = "seeds/select-employer-manual.txt §1 'Calculation and Deduction of Pension Contributions'"

_C = PayComponent
_RULES: dict[Plan, dict[PayComponent, tuple[bool, str]]] = {
    Plan.OPSEU: {
        _C.REGULAR_SALARY: (True, f"{_OPSEU} / Application: regular earnings/base wages"),
        _C.MERIT_OR_MARKET_ADJUSTMENT: (
            True,
            f"{_OPSEU} / Application: market value adjustments and yearly increases (merit)",
        ),
        _C.VACATION_TAKEN: (True, f"{_OPSEU} / Application: vacation taken as leave with pay"),
        _C.STATUTORY_HOLIDAY_TAKEN: (True, f"{_OPSEU} / Application: statutory holiday pay"),
        _C.REGULAR_ALLOWANCE: (True, f"{_OPSEU} / Application: allowances paid regularly"),
        _C.RETROACTIVE_SALARY: (True, f"{_OPSEU} / Application: retro earnings"),
        _C.COMPENSATING_TIME: (True, f"{_OPSEU} / Application: compensating time"),
        _C.SICK_PAY: (True, f"{_OPSEU} / Application: sick pay deemed to be regular wages"),
        _C.SALARY_NOTE: (True, f"{_OPSEU} / Application: permanent salary notes"),
        _C.ISOLATION_OR_REMOTE_PAY: (True, f"{_OPSEU} / Application: isolation pay"),
        _C.LONG_SERVICE_PAY: (True, f"{_OPSEU} / Application: ongoing long service pay"),
        _C.TOP_UP_SALARY: (
            True,
            "seeds/reporting-pension-data.txt 'Causes of missed mandatory contributions' "
            "2: contributions are owed on top-up salary",
        ),
        _C.REGULAR_SHIFT_PREMIUM: (False, f"{_OPSEU} / Payments not included: shift premiums"),
        _C.OVERTIME: (False, f"{_OPSEU} / Payments not included: overtime"),
        _C.BONUS: (False, f"{_OPSEU} / Definition: excludes bonuses unless paid regularly"),
        _C.REGULAR_PERIODIC_BONUS: (
            True,
            f"{_OPSEU} / Definition: bonuses paid regularly and computed by reference to "
            "hours, days, weeks or other periods are included",
        ),
        _C.ONE_TIME_PAYMENT: (False, f"{_OPSEU} / Payments not included: one-time payments"),
        _C.SEVERANCE_LUMP_SUM: (False, f"{_OPSEU} / Payments not included: severance pay"),
        _C.SEVERANCE_SALARY_CONTINUANCE: (
            False,
            f"{_OPSEU} / Payments not included: severance pay (in any form)",
        ),
        _C.PAY_IN_LIEU_OF_NOTICE: (
            False,
            f"{_OPSEU}: not listed (choice): not pay for work and not a regular component "
            "of pay for a position, so excluded like severance",
        ),
        _C.VACATION_PAY_IN_LIEU: (
            False,
            f"{_OPSEU} / Payments not included: lump-sum or 4% vacation pay in lieu of leave",
        ),
        _C.PAY_IN_LIEU_OF_BENEFITS: (
            False,
            f"{_OPSEU} / Payments not included: payment in lieu of benefits",
        ),
        _C.EXPENSE_REIMBURSEMENT: (
            False,
            f"{_OPSEU} / Payments not included: reimbursement for expenses",
        ),
        _C.ON_CALL_STANDBY: (
            False,
            f"{_OPSEU}: not listed (choice): paid for availability, not regular hours, "
            "so excluded as in OPTrust Select",
        ),
        _C.IRREGULAR_PAYMENT: (False, f"{_OPSEU} / Payments not included: not regularly paid"),
    },
    Plan.SELECT: {
        _C.REGULAR_SALARY: (True, f"{_SELECT}: regularly paid salary up to full-time hours"),
        _C.MERIT_OR_MARKET_ADJUSTMENT: (
            True,
            f"{_SELECT}: regularly paid salary (choice: a permanent increase is salary)",
        ),
        _C.VACATION_TAKEN: (True, f"{_SELECT}: holiday pay taken as paid leave (vacation)"),
        _C.STATUTORY_HOLIDAY_TAKEN: (
            True,
            f"{_SELECT}: holiday pay taken as paid leave (statutory holidays)",
        ),
        _C.REGULAR_ALLOWANCE: (
            True,
            f"{_SELECT}: other periodic payments regularly paid as a permanent component",
        ),
        _C.RETROACTIVE_SALARY: (True, f"{_SELECT}: retroactive salary adjustments"),
        _C.COMPENSATING_TIME: (
            True,
            f"{_SELECT}: not listed (choice): time off paid at the regular rate is regular pay",
        ),
        _C.SICK_PAY: (
            True,
            f"{_SELECT}: not listed (choice): paid sick days are a paid leave, and "
            "contributions continue during paid leaves (§1 'Paid Leaves of Absence')",
        ),
        _C.SALARY_NOTE: (
            True,
            f"{_SELECT}: other periodic payments regularly paid as a permanent component",
        ),
        _C.ISOLATION_OR_REMOTE_PAY: (True, f"{_SELECT}: e.g. remote location pay"),
        _C.LONG_SERVICE_PAY: (
            True,
            f"{_SELECT}: other periodic payments regularly paid as a permanent component",
        ),
        _C.TOP_UP_SALARY: (
            True,
            f"{_SELECT}: not listed (choice): salary paid regularly for the period",
        ),
        _C.REGULAR_SHIFT_PREMIUM: (True, f"{_SELECT}: shift premiums paid on a regular basis"),
        _C.OVERTIME: (False, f"{_SELECT}: overtime"),
        _C.BONUS: (False, f"{_SELECT}: bonuses or one-off payments"),
        _C.REGULAR_PERIODIC_BONUS: (
            False,
            f"{_SELECT}: bonuses are excluded (the chart makes no exception for regular ones)",
        ),
        _C.ONE_TIME_PAYMENT: (False, f"{_SELECT}: bonuses or one-off payments"),
        _C.SEVERANCE_LUMP_SUM: (False, f"{_SELECT}: severance paid as a lump sum"),
        _C.SEVERANCE_SALARY_CONTINUANCE: (
            True,
            f"{_SELECT}: severance paid as salary continuance",
        ),
        _C.PAY_IN_LIEU_OF_NOTICE: (
            True,
            f"{_SELECT}: pay in lieu of termination notice (salary continuance or lump sum)",
        ),
        _C.VACATION_PAY_IN_LIEU: (
            False,
            f"{_SELECT}: pay-in-lieu of benefits (holiday or vacation pay for time not taken)",
        ),
        _C.PAY_IN_LIEU_OF_BENEFITS: (False, f"{_SELECT}: pay-in-lieu of benefits"),
        _C.EXPENSE_REIMBURSEMENT: (False, f"{_SELECT}: reimbursement for expenses"),
        _C.ON_CALL_STANDBY: (False, f"{_SELECT}: on-call or standby pay"),
        _C.IRREGULAR_PAYMENT: (False, f"{_SELECT}: bonuses or one-off payments"),
    },
}


def classify(plan: Plan, component: PayComponent) -> Classification:
    """Whether ``component`` is pensionable under ``plan``, with the reason and source."""
    included, reason = _RULES[plan][component]
    return Classification(component=component, plan=plan, included=included, reason=reason)


def pensionable_total(plan: Plan, items: Iterable[tuple[PayComponent, Decimal]]) -> Decimal:
    """Sum of the pensionable components among ``(component, amount)`` pay lines."""
    return sum(
        (amount for component, amount in items if classify(plan, component).included),
        Decimal(0),
    )
