"""Builders for buyback tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pensionportal.accounts.models import Organization, Plan, User
from pensionportal.buybacks import actions
from pensionportal.buybacks.models import Buyback, PaymentOption
from pensionportal.members.models import Member
from tests.factories import make_member, make_org

QUOTE_DATE = dt.date(2026, 3, 2)


def opseu_org(name: str | None = None) -> Organization:
    return make_org(name, plan=Plan.OPSEU)


def opseu_member(org: Organization | None = None, **fields: Any) -> Member:
    values: dict[str, Any] = {
        "hire_date": dt.date(2015, 1, 5),
        "membership_date": dt.date(2025, 1, 1),
        "pay_rate": Decimal("70000"),
    }
    values.update(fields)
    return make_member(org or opseu_org(), **values)


def application(
    staff: User,
    member: Member,
    *,
    service_type: str = "non-contributory",
    start: dt.date = dt.date(2020, 1, 1),
    end: dt.date = dt.date(2021, 12, 31),
    received: dt.date = dt.date(2026, 2, 2),
    **more: object,
) -> Buyback:
    data = actions.ApplicationInput(
        form=str(more.pop("form", "1036")),
        service_type=service_type,
        service_start=start,
        service_end=end,
        received_date=received,
        **more,  # type: ignore[arg-type]
    )
    return actions.create_application(staff, member, data)


def quoted(staff: User, member: Member, **more: Any) -> Buyback:
    buyback = application(staff, member, **more)
    return actions.issue_quote(
        staff,
        buyback,
        complete_date=buyback.received_date,
        interest_rate=Decimal("0.05"),
        quote_date=QUOTE_DATE,
    )


def financed(staff: User, member: Member, payment: str = "200.00", **more: Any) -> Buyback:
    buyback = quoted(staff, member, **more)
    return actions.record_agreement(
        staff,
        buyback,
        actions.AgreementInput(
            agreement_date=dt.date(2026, 3, 16),
            option=PaymentOption.FINANCING,
            interest_rate=Decimal("0.05"),
            frequency="biweekly",
            payment=Decimal(payment),
            first_deduction=dt.date(2026, 3, 27),
        ),
    )
