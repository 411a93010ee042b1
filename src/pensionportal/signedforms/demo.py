"""Demo data of signed forms: a 1025ER signed by the employer and the member, sealed, its
leave applied through intake; a 1030 whose member has signed page 1 and which waits for the
employer's signature (page 2). The signatures are recorded as demo data (their method says
so): no authenticator code or e-mailed code is consumed at load time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.datafiles.specs import SPECS
from pensionportal.members.models import Member
from pensionportal.submissions import intake
from pensionportal.submissions.demo import run_file
from pensionportal.submissions.online import to_csv

from . import actions
from .models import SignedForm, SigningLink, Status
from .spec import Party, parse

DEMO_EMAILS = {"D1003": "chantal.roy@demo.example", "D1004": "fiona.macdonald@demo.example"}


def _give_emails(uploader: User, org: Organization) -> None:
    """The members' e-mail addresses, sent as a Personal Change file through intake."""
    rows = [
        {"employee_id": eid, "email_type": "HOME", "email": address}
        for eid, address in DEMO_EMAILS.items()
    ]
    run_file(uploader, org, "PERCHG_demo_emails.csv", to_csv(SPECS["PERCHG"], rows))


def _draft(
    admin: User, org: Organization, code: str, member: Member, entered: dict[str, str]
) -> SignedForm:
    form = actions.start_form(admin, org, code, member)
    spec = actions.spec_of(form)
    values = {
        key: parse(spec.field(key), str(entered.get(key, form.values.get(key)) or ""))
        for key in actions.employer_fields(spec)
    }
    return actions.save_draft(admin, form, values)


def _employer_signs(admin: User, form: SignedForm) -> SignedForm:
    spec = actions.spec_of(form)
    values = form.values
    for key in actions.declaration_fields(spec, Party.EMPLOYER):
        values[key] = True
    form.values = values
    form.save()
    actions._record_employer_signature(
        form, admin, f"Demo data: signed by the demo loader as {admin.email}", None
    )
    form.refresh_from_db()
    return form


def _member_signs(form: SignedForm, entered: dict[str, object]) -> SignedForm:
    link = SigningLink.objects.filter(form=form, used_at=None, revoked_at=None).latest("id")
    values = form.values
    values.update(entered)
    form.values = values
    form.save()
    actions._record_member_signature(
        form, link, f"Demo data: signed by the demo loader for {link.sent_to}", None
    )
    form.refresh_from_db()
    return form


def _apply_now(form: SignedForm) -> None:
    """Seal and apply at once, and run intake on what it sent (the worker would)."""
    actions.seal_and_apply(form.pk)
    for effect in form.effects.filter(kind="submission"):
        assert effect.object_id is not None
        intake.validate_submission(effect.object_id)


def load() -> None:
    org = Organization.objects.get(name=DEMO_EMPLOYER)
    if SignedForm.objects.filter(organization=org).exists():
        return
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    uploader = User.objects.get(email=f"upload@{DEMO_DOMAIN}")
    _give_emails(uploader, org)
    today = timezone.localdate()

    roy = Member.objects.get(organization=org, employee_id="D1003")
    leave = _draft(
        admin,
        org,
        "1025ER",
        roy,
        {
            "leave_type": "ESA_PAR",
            "leave_start": (today + dt.timedelta(days=21)).isoformat(),
            "expected_end": (today + dt.timedelta(days=21 + 364)).isoformat(),
        },
    )
    leave = _employer_signs(admin, leave)
    leave = _member_signs(leave, {"member_confirms": True})
    assert leave.status == Status.COMPLETED
    _apply_now(leave)

    macdonald = Member.objects.get(organization=org, employee_id="D1004")
    arrangement = _draft(
        admin,
        org,
        "1030",
        macdonald,
        {
            "arrangement_start": (today + dt.timedelta(days=30)).isoformat(),
            "arrangement_end": (today + dt.timedelta(days=30 + 181)).isoformat(),
            "regular_ratio": "1.00",
            "reduced_ratio": "0.60",
        },
    )
    arrangement = actions.send_to_member(admin, arrangement)
    _member_signs(
        arrangement,
        {"purpose": "election", "election": "regular_hours", "member_confirms": True},
    )
