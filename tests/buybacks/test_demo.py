"""The demo data: a financed buyback with its deduction direction at Demo Employer Ltd."""

from __future__ import annotations

import pytest

from pensionportal.buybacks import demo
from pensionportal.buybacks.models import Buyback, DeductionDirection, Status
from pensionportal.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_financed_buyback_and_loads_twice_without_change() -> None:
    load_demo_data()
    demo.load()
    demo.load()
    buyback = Buyback.objects.get(member__employee_id=demo.EMPLOYEE_ID)
    assert buyback.status == Status.IN_PAYMENT
    # the deduction amount was changed: two directions, the second in force
    assert DeductionDirection.objects.filter(buyback=buyback).count() == 2
    current = DeductionDirection.objects.get(buyback=buyback, active=True)
    assert current.number_of_payments > 0
    assert current.replaces is not None
    assert Buyback.objects.filter(member__employee_id=demo.EMPLOYEE_ID).count() == 1


def test_the_demo_shows_every_stage_of_the_buyback_lifecycle() -> None:
    from pensionportal.remittances.models import Invoice, InvoiceKind

    load_demo_data()
    demo.load()  # idempotent
    statuses = dict(
        Buyback.objects.filter(member__employee_id__startswith="N-B").values_list(
            "member__employee_id", "status"
        )
    )
    assert statuses == {
        "N-B101": Status.LAPSED,
        "N-B102": Status.QUOTED,
        "N-B103": Status.STOPPED,
        "N-B104": Status.AWAITING_PAYMENT,
        "N-B105": Status.COMPLETED,
    }
    stopped = Buyback.objects.get(member__employee_id="N-B103")
    assert stopped.credited_years is not None
    assert stopped.credited_years > 0
    assert Invoice.objects.filter(kind=InvoiceKind.BUYBACK_SHARE).count() == 1
