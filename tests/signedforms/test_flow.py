"""A form from draft to sealed and applied, through the real actions, pages and intake."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pensionportal.members.models import Leave
from pensionportal.signedforms import pades
from pensionportal.signedforms.models import SignedForm, Status

from .helpers import employer, link_from_outbox, member_signs, sign_as_employer, start

pytestmark = pytest.mark.django_db


def test_a_1025er_signed_by_employer_then_member_is_sealed_and_the_leave_is_on_record() -> None:
    e = employer()
    form = start(
        e,
        "1025ER",
        {"leave_type": "ESA_PAR", "leave_start": "2026-03-02", "expected_end": "2026-12-31"},
    )
    form = sign_as_employer(e, form)
    assert form.status == Status.AWAITING_MEMBER
    assert not Leave.objects.filter(member=e.member).exists()  # half-signed: nothing yet
    member_signs(link_from_outbox(), {"member_confirms": "on"})
    form = SignedForm.objects.get(pk=form.pk)
    assert form.status == Status.COMPLETED
    assert form.sealed_file is not None, form.seal_error
    from pensionportal.files import store

    assert pades.verify(store.read_all(form.sealed_file)).valid
    leave = Leave.objects.get(member=e.member)
    assert leave.start_date == dt.date(2026, 3, 2)
    assert leave.leave_type == "ESA_PAR"
    assert form.effects.get().kind == "submission"
    client = Client()
    client.force_login(e.user)
    page = client.get(f"/forms/{form.pk}/")
    assert "Signature valid" in page.content.decode()
    download = client.get(f"/forms/{form.pk}/sealed.pdf")
    assert download.status_code == 200
    assert download["X-Signature-Status"] == "signature valid"
