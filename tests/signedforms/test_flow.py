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


def test_a_store_down_at_sealing_keeps_the_signatures_and_the_daily_job_seals_it_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.utils import timezone

    from pensionportal.files import store
    from pensionportal.files.storage import StorageUnavailable
    from pensionportal.signedforms.tasks import daily_forms_for

    from .helpers import committed

    e = employer()
    form = start(
        e,
        "1025ER",
        {"leave_type": "ESA_PAR", "leave_start": "2026-03-02", "expected_end": "2026-12-31"},
    )
    form = sign_as_employer(e, form)
    real_store = store.store

    def down(*args: object, **kwargs: object) -> object:
        raise StorageUnavailable("the object store did not answer")

    monkeypatch.setattr(store, "store", down)
    member_signs(link_from_outbox(), {"member_confirms": "on"})  # the member's page: "signed"
    form = SignedForm.objects.get(pk=form.pk)
    assert form.status == Status.COMPLETED
    assert form.signatures.count() == 2
    assert form.sealed_file is None
    assert "did not answer" in form.seal_error
    # intake stores its file too: nothing of the effect is half-applied, it waits as well
    assert not Leave.objects.filter(member=e.member).exists()
    assert not form.effects.exists()
    assert form.effect_applied_at is None
    client = Client()
    client.force_login(e.user)
    page = client.get(f"/forms/{form.pk}/").content.decode()
    assert "could not be sealed yet; it is tried again every day" in page
    assert "did not answer" not in page  # the store's own words stay in the log

    monkeypatch.setattr(store, "store", real_store)
    with committed():
        result = daily_forms_for.enqueue(e.org.pk, timezone.localdate().isoformat())
    assert result.return_value == 1
    form = SignedForm.objects.get(pk=form.pk)
    assert form.sealed_file is not None
    assert form.seal_error == ""
    assert pades.verify(store.read_all(form.sealed_file)).valid
    assert Leave.objects.filter(member=e.member).count() == 1
    assert form.effects.get().kind == "submission"
    with committed():
        assert daily_forms_for.enqueue(e.org.pk, timezone.localdate().isoformat()).return_value == 0
    assert Leave.objects.filter(member=e.member).count() == 1  # applied once, not again
    assert "Signature valid" in client.get(f"/forms/{form.pk}/").content.decode()
