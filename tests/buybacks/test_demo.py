"""The demo data: a financed buyback with its deduction direction at Demo Employer Ltd."""

from __future__ import annotations

import pytest

from pensionportal.buybacks import demo
from pensionportal.buybacks.models import Buyback, DeductionDirection, Status
from pensionportal.core.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_financed_buyback_and_loads_twice_without_change() -> None:
    load_demo_data()
    demo.load()
    demo.load()
    buyback = Buyback.objects.get(member__employee_id=demo.EMPLOYEE_ID)
    assert buyback.status == Status.IN_PAYMENT
    assert DeductionDirection.objects.get(buyback=buyback).number_of_payments > 0
    assert Buyback.objects.filter(member__employee_id=demo.EMPLOYEE_ID).count() == 1
