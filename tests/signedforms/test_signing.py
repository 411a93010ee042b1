"""Signing: the employer's fresh MFA step-up, the member's single-use expiring link with
birth date and e-mailed code, the order of signers, reminders and withdrawal; a
half-signed form changes nothing in the back office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from pensionportal.members.models import EmploymentChange, Leave
from pensionportal.missed.models import Election
from pensionportal.signedforms import actions
from pensionportal.signedforms.models import Signature, SignedForm, SigningLink, Status
from tests.factories import make_member, totp_code

from .helpers import (
    BORN,
    CODE,
    FORM,
    MEMBER_EMAIL,
    START,
    Employer,
    code_from_outbox,
    committed,
    employer,
    link_from_outbox,
    member_opens,
    member_signs,
    sign_as_employer,
    start,
)
from .samples import SAMPLES

pytestmark = pytest.mark.django_db


def _sent_1030() -> tuple[Employer, SignedForm]:
    e = employer()
    form = start(e, "1030", SAMPLES["1030"][0])
    with committed():
        actions.send_to_member(e.user, form)
    form.refresh_from_db()
    return e, form


# -- the employer ---------------------------------------------------------------------------


def test_the_employer_signs_only_with_a_current_code_from_their_authenticator() -> None:
    e = employer()
    form = start(e, "1025ER", SAMPLES["1025ER"][0])
    with pytest.raises(actions.FormError) as refused:
        actions.employer_sign(
            e.user, form, actions.EmployerSignature({"employer_confirms": True}, "000000")
        )
    assert "code" in refused.value.errors
    assert not Signature.objects.exists()


def test_a_code_already_used_is_refused_at_signing_fresh_step_up() -> None:
    e = employer()
    form = start(e, "1025ER", SAMPLES["1025ER"][0])
    code = totp_code(e.secret)
    assert actions.verify_authenticator_code(e.user, code)  # e.g. at sign-in
    with pytest.raises(actions.FormError):
        actions.employer_sign(
            e.user, form, actions.EmployerSignature({"employer_confirms": True}, code)
        )
    assert not Signature.objects.exists()


def test_a_user_without_an_authenticator_is_told_to_set_one_up() -> None:
    from allauth.mfa.models import Authenticator

    e = employer()
    Authenticator.objects.filter(user=e.user).delete()
    form = start(e, "1025ER", SAMPLES["1025ER"][0])
    with pytest.raises(actions.FormError) as refused:
        actions.employer_sign(
            e.user, form, actions.EmployerSignature({"employer_confirms": True}, "123456")
        )
    assert "Security settings" in refused.value.message


def test_the_employer_s_declaration_must_be_ticked() -> None:
    e = employer()
    form = start(e, "1025ER", SAMPLES["1025ER"][0])
    with pytest.raises(actions.FormError) as refused:
        sign_as_employer(e, form, employer_confirms=False)
    assert refused.value.errors == {"employer_confirms": ["Tick this box to go on."]}


def test_the_member_signs_a_1030_first_the_employer_cannot_sign_before() -> None:
    e = employer()
    form = start(e, "1030", SAMPLES["1030"][0])
    with pytest.raises(actions.FormError, match="The member signs this form first"):
        sign_as_employer(e, form)


def test_a_problem_intake_would_find_is_shown_beside_its_field_before_signing() -> None:
    e = employer()
    make_member(e.org, "N2001", sin="130692544")  # the 1005 sample's employee ID is taken
    from .helpers import start_unregistered

    form = start_unregistered(e, "1005", SAMPLES["1005"][0])
    with committed():
        actions.send_to_member(e.user, form)
    member_signs(
        link_from_outbox("elodie.tremblay@example.com"),
        SAMPLES["1005"][1],
        born=dt.date(1990, 2, 11),
        address="elodie.tremblay@example.com",
    )
    form.refresh_from_db()
    with pytest.raises(actions.FormError) as refused:
        sign_as_employer(e, form)
    assert "employee_id" in refused.value.errors or "sin" in refused.value.errors
    form.refresh_from_db()
    assert form.status == Status.AWAITING_EMPLOYER


# -- the member -----------------------------------------------------------------------------


def test_a_half_signed_1030_changes_nothing_in_the_back_office() -> None:
    _e, form = _sent_1030()
    member_signs(link_from_outbox(), SAMPLES["1030"][1])
    form.refresh_from_db()
    assert form.status == Status.AWAITING_EMPLOYER
    assert not Election.objects.exists()
    assert not EmploymentChange.objects.exists()
    assert not form.effects.exists()
    assert any("waiting for your signature" in m.subject for m in mail.outbox)


def test_the_member_link_is_single_use() -> None:
    _, _form = _sent_1030()
    token = link_from_outbox()
    member_signs(token, SAMPLES["1030"][1])
    again = Client().get(f"/forms/sign/{token}/")
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()


def test_the_token_leaves_the_address_at_once_for_a_grant_of_this_session() -> None:
    """Issue 17, finding 6: the e-mailed link is exchanged once for a grant bound to the
    browser's session (a new session key), and every step after it has no token in its
    address (so none in the history, a Referer or an access log)."""
    _, _form = _sent_1030()
    token = link_from_outbox()
    client = Client()
    session = client.session  # a session someone could have planted in this browser
    session["planted"] = True
    session.save()
    planted = client.cookies[settings.SESSION_COOKIE_NAME].value
    landing = client.get(f"/forms/sign/{token}/")
    assert landing.status_code == 302
    assert landing["Location"] == START
    assert landing["Referrer-Policy"] == "no-referrer"
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != planted
    visited = [START]
    with committed():
        page = client.post(START, {"birth_date": BORN.isoformat()})
    visited.append(page["Location"])
    page = client.post(page["Location"], {"code": code_from_outbox()})
    visited.append(page["Location"])
    assert visited == [START, CODE, FORM]
    page = client.get(FORM)
    assert page.status_code == 200
    assert token not in page.content.decode()
    # The planted session's key holds no grant, and a browser that never opened the link
    # is told to open it.
    stranger = Client()
    stranger.cookies[settings.SESSION_COOKIE_NAME] = planted
    for path in (START, CODE, FORM):
        refused = stranger.get(path)
        assert refused.status_code == 404
        assert "Open the link in your e-mail again" in refused.content.decode()


def test_the_token_link_only_lands_it_posts_nothing() -> None:
    _, _form = _sent_1030()
    token = link_from_outbox()
    assert (
        Client().post(f"/forms/sign/{token}/", {"birth_date": BORN.isoformat()}).status_code == 405
    )
    assert not SigningLink.objects.filter(birth_date_confirmed_at__isnull=False).exists()


def test_a_grant_stops_with_its_link() -> None:
    """A reminder replaces the link: a browser granted the old one is told so."""
    e, form = _sent_1030()
    client = member_opens(link_from_outbox())
    with committed():
        actions.remind(e.user, form)
    page = client.get(START)
    assert page.status_code == 410
    assert "A newer link was sent" in page.content.decode()


def test_an_expired_link_explains_what_to_do_next() -> None:
    _, form = _sent_1030()
    token = link_from_outbox()
    SigningLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = Client().get(f"/forms/sign/{token}/")
    assert page.status_code == 410
    text = page.content.decode()
    assert "This link has expired" in text
    assert f"Ask {form.organization.name} to send you a new one" in text


def test_a_wrong_birth_date_is_refused_and_five_lock_the_link() -> None:
    _, _form = _sent_1030()
    token = link_from_outbox()
    client = member_opens(token)
    for _ in range(4):
        page = client.post(START, {"birth_date": "1985-03-15"})
        assert "does not match our record" in page.content.decode()
    with committed():
        page = client.post(START, {"birth_date": "1985-03-15"})
    assert page.status_code == 410
    assert "This link is locked" in page.content.decode()
    page = client.post(START, {"birth_date": BORN.isoformat()})
    assert page.status_code in (404, 410)
    assert Client().get(f"/forms/sign/{token}/").status_code == 410


def test_five_wrong_codes_lock_the_link() -> None:
    _, _form = _sent_1030()
    token = link_from_outbox()
    client = member_opens(token)
    with committed():
        client.post(START, {"birth_date": BORN.isoformat()})
    right = code_from_outbox()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        page = client.post(CODE, {"code": wrong})
        assert "That code is not right" in page.content.decode()
    with committed():
        page = client.post(CODE, {"code": wrong})
    assert page.status_code == 410
    assert "This link is locked" in page.content.decode()
    assert client.post(CODE, {"code": right}).status_code in (404, 410)
    assert client.get(FORM).status_code != 200


def test_the_form_cannot_be_reached_without_the_e_mailed_code() -> None:
    _, _form = _sent_1030()
    token = link_from_outbox()
    client = member_opens(token)
    assert client.get(FORM).status_code == 302  # back to the start
    with committed():
        client.post(START, {"birth_date": BORN.isoformat()})
    page = client.post(CODE, {"code": "000000"})
    assert "That code is not right" in page.content.decode()
    assert client.get(FORM).status_code == 302
    # Another browser with the same link must confirm the birth date itself.
    other = member_opens(token)
    assert other.get(FORM).status_code == 302
    client.post(CODE, {"code": code_from_outbox()})
    assert client.get(FORM).status_code == 200


def test_the_member_sees_only_their_form_nothing_of_other_members() -> None:
    e, form = _sent_1030()
    other = make_member(
        e.org,
        "E9999",
        first_name="Zelda",
        last_name="Otherperson",
        sin="130692544",
        email="zelda@example.com",
    )
    start(e, "1025ER", SAMPLES["1025ER"][0], member=other)
    token = link_from_outbox()
    client = member_opens(token)
    with committed():
        client.post(START, {"birth_date": BORN.isoformat()})
    client.post(CODE, {"code": code_from_outbox()})
    page = client.get(FORM).content.decode()
    assert "Jordan" in page
    assert "E1001" in page
    assert "Zelda" not in page
    assert "E9999" not in page
    assert "Otherperson" not in page
    assert "Members" not in page.split("<main", 1)[1].split("</main>", 1)[0]  # no portal menu
    for path in ("/forms/", f"/forms/{form.pk}/", f"/members/{e.member.pk}/"):
        assert client.get(path).status_code == 302  # the member has no portal account


# -- reminders and withdrawal ---------------------------------------------------------------


def test_a_reminder_sends_the_member_a_new_link_and_the_old_one_stops() -> None:
    e, form = _sent_1030()
    old = link_from_outbox()
    with committed():
        said = actions.remind(e.user, form)
    assert said == "A new signing link was e-mailed to the member."
    new = link_from_outbox()
    assert new != old
    assert "A newer link was sent" in Client().get(f"/forms/sign/{old}/").content.decode()
    assert Client().get(f"/forms/sign/{new}/", follow=True).status_code == 200


def test_the_daily_job_reminds_signers_who_have_waited() -> None:
    e, form = _sent_1030()
    SignedForm.objects.filter(pk=form.pk).update(sent_at=timezone.now() - dt.timedelta(days=4))
    mail.outbox.clear()
    from pensionportal.signedforms.tasks import daily_forms_for

    today = timezone.localdate().isoformat()
    with committed():
        assert daily_forms_for.enqueue(e.org.pk, today).return_value == 1
        assert daily_forms_for.enqueue(e.org.pk, today).return_value == 0  # reminded today
        other = employer("Elsewhere Ltd.")
        assert actions.send_due_reminders(organization=other.org) == 0
    assert [m.to for m in mail.outbox] == [[MEMBER_EMAIL]]


def test_a_withdrawn_form_stops_the_link_and_changes_nothing() -> None:
    e, form = _sent_1030()
    token = link_from_outbox()
    with pytest.raises(actions.FormError):
        actions.withdraw(e.user, form, "  ")
    with committed():
        actions.withdraw(e.user, form, "The arrangement was cancelled.")
    form.refresh_from_db()
    assert form.status == Status.WITHDRAWN
    page = Client().get(f"/forms/sign/{token}/")
    assert "This form was withdrawn" in page.content.decode()
    assert any("withdrawn" in m.subject for m in mail.outbox)
    with pytest.raises(actions.FormError):
        actions.withdraw(e.user, form, "again")


def test_a_completed_form_cannot_be_withdrawn() -> None:
    from .helpers import complete

    e = employer()
    form = complete(e, "1025ER")
    with pytest.raises(actions.FormError, match="cannot be withdrawn"):
        actions.withdraw(e.user, form, "too late")
    assert Leave.objects.filter(member=e.member).count() == 1
