"""Builders for signed-form tests: an employer with a signing user, a member, and the
steps of a form through the real actions and pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import mail
from django.test import Client, TestCase

from pensionportal.accounts.models import Organization, Role, User
from pensionportal.members.models import Member
from pensionportal.signedforms import actions
from pensionportal.signedforms.models import SignedForm
from pensionportal.signedforms.spec import Party
from tests.factories import enrol_totp, make_member, make_org, make_user, totp_code

MEMBER_EMAIL = "jordan.lee@example.com"
BORN = dt.date(1985, 3, 14)


@dataclass
class Employer:
    org: Organization
    user: User
    secret: str
    member: Member


def employer(name: str | None = None, **member_fields: Any) -> Employer:
    org = make_org(name)
    user = make_user(org, [Role.FILE_UPLOAD])
    secret = enrol_totp(user)
    fields: dict[str, Any] = {
        "email": MEMBER_EMAIL,
        "birth_date": BORN,
        "first_name": "Jordan",
        "last_name": "Lee",
        "hire_date": dt.date(2015, 1, 5),
        "membership_date": dt.date(2015, 1, 5),
        "employment_ratio": Decimal("1"),
        "standard_hours": Decimal("37.5"),
    }
    fields.update(member_fields)
    member = make_member(org, "E1001", **fields)
    return Employer(org, user, secret, member)


def committed() -> Any:
    """Run what the action queued for after its commit (e-mails, the sealing task) when
    the block ends, as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def fresh_code(secret: str) -> str:
    """A code not yet used in this period (allauth refuses a code used once)."""
    return totp_code(secret)


def start(
    e: Employer, code: str, values: dict[str, Any], member: Member | None = None
) -> SignedForm:
    form = actions.start_form(e.user, e.org, code, member if member is not None else e.member)
    spec = actions.spec_of(form)
    parsed = {}
    from pensionportal.signedforms.spec import parse

    for key in actions.employer_fields(spec):
        raw = values.get(key, form.values.get(key))
        parsed[key] = parse(spec.field(key), "" if raw is None else str(raw))
    with committed():
        return actions.save_draft(e.user, form, parsed)


def sign_as_employer(e: Employer, form: SignedForm, **declarations: bool) -> SignedForm:
    spec = actions.spec_of(form)
    ticks = {k: declarations.get(k, True) for k in actions.declaration_fields(spec, Party.EMPLOYER)}
    with committed():
        return actions.employer_sign(
            e.user, form, actions.EmployerSignature(ticks, fresh_code(e.secret))
        )


def link_from_outbox(address: str = MEMBER_EMAIL) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            found = re.search(r"/forms/sign/([A-Za-z0-9_-]+)/", str(message.body))
            if found:
                return found.group(1)
    raise AssertionError("no signing link was e-mailed")


def code_from_outbox(address: str = MEMBER_EMAIL) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            found = re.search(r"code to sign .*?is:\s+(\d{6})", str(message.body), re.S)
            if found:
                return found.group(1)
    raise AssertionError("no code was e-mailed")


# The member's pages after the e-mailed link was opened: no token in their addresses.
START, CODE, FORM = "/forms/signing/", "/forms/signing/code/", "/forms/signing/form/"


def member_opens(token: str, client: Client | None = None) -> Client:
    """A browser opening the e-mailed link: the token is exchanged for this session."""
    client = client or Client()
    response = client.get(f"/forms/sign/{token}/")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == START
    return client


def member_signs(
    token: str, values: dict[str, str], born: dt.date = BORN, address: str = MEMBER_EMAIL
) -> Client:
    """The member's three pages, through the real views."""
    client = member_opens(token)
    with committed():
        response = client.post(START, {"birth_date": born.isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(CODE, {"code": code_from_outbox(address)})
    assert response.status_code == 302, response.content.decode()[:2000]
    with committed():
        response = client.post(FORM, values)
    assert response.status_code == 200, response.content.decode()[-6000:]
    assert "is signed" in response.content.decode()
    return client


def complete(
    e: Employer,
    code: str,
    employer_values: dict[str, str] | None = None,
    member_values: dict[str, str] | None = None,
) -> SignedForm:
    """A form of `code` through every signature in its spec's order, with the samples'
    values (or those given), ending sealed and applied."""
    from pensionportal.signedforms.definitions import FORMS
    from pensionportal.signedforms.effects import subject_of
    from pensionportal.signedforms.spec import typed

    from .samples import SAMPLES

    spec = FORMS[code]
    employer_part, member_part = SAMPLES[code]
    form = (
        start(
            e,
            code,
            employer_values if employer_values is not None else employer_part,
            member=e.member if spec.needs_member else None,
        )
        if spec.needs_member
        else start_unregistered(e, code, employer_values or employer_part)
    )
    for party in spec.signers:
        form.refresh_from_db()
        if party is Party.EMPLOYER:
            form = sign_as_employer(e, form)
        else:
            if form.status == "draft":
                with committed():
                    actions.send_to_member(e.user, form)
            address = actions.member_email(form)
            born = subject_of(form, typed(spec, form.values)).birth_date
            assert born is not None
            member_signs(
                link_from_outbox(address),
                member_values if member_values is not None else member_part,
                born=born,
                address=address,
            )
    form.refresh_from_db()
    return form


def start_unregistered(e: Employer, code: str, values: dict[str, Any]) -> SignedForm:
    from pensionportal.signedforms.spec import parse

    form = actions.start_form(e.user, e.org, code, None)
    spec = actions.spec_of(form)
    parsed = {
        key: parse(spec.field(key), str(values.get(key, "")))
        for key in actions.employer_fields(spec)
    }
    with committed():
        return actions.save_draft(e.user, form, parsed)
