"""The automatic quote at enrolment (seeds/buybacks.txt 'Automatic quotes for prior
non-contributory service'): `on_member_enrolled`, called by intake on ENROL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pensionportal.buybacks.actions import on_member_enrolled
from pensionportal.buybacks.models import ApplicationForm, Buyback, Status
from tests.factories import make_member, make_org

from .helpers import opseu_member

pytestmark = pytest.mark.django_db


def test_a_gap_before_membership_is_quoted_automatically_once() -> None:
    member = opseu_member(hire_date=dt.date(2022, 3, 1), membership_date=dt.date(2025, 1, 1))
    buyback = on_member_enrolled(member)
    assert buyback is not None
    assert buyback.form == ApplicationForm.AUTOMATIC
    assert (buyback.service_start, buyback.service_end) == (
        dt.date(2022, 3, 1),
        dt.date(2024, 12, 31),
    )
    assert buyback.status == Status.QUOTED
    assert buyback.member_cost
    assert buyback.member_cost > Decimal(0)
    assert buyback.employer_cost == buyback.member_cost
    assert on_member_enrolled(member) == buyback
    assert Buyback.objects.filter(member=member).count() == 1


def test_no_gap_no_application() -> None:
    member = opseu_member(hire_date=dt.date(2025, 1, 1), membership_date=dt.date(2025, 1, 1))
    assert on_member_enrolled(member) is None
    assert not Buyback.objects.exists()


def test_a_select_member_waits_for_staff_to_enter_the_cost() -> None:
    member = make_member(
        make_org(), hire_date=dt.date(2020, 1, 6), membership_date=dt.date(2024, 1, 1)
    )
    buyback = on_member_enrolled(member)
    assert buyback is not None
    assert buyback.status == Status.RECEIVED
    assert buyback.member_cost is None
