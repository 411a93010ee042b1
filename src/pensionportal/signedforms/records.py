"""What every step of a signed form writes beside itself, and the form's PDF: its events,
its audit rows, the e-mail to the employer, its content digest (actions.py and
sealing.py both use them)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from django.http import HttpRequest
from django.urls import reverse

from pensionportal.accounts.models import User
from pensionportal.audit.record import record
from pensionportal.core.issuer import issuer
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.presentation import formatting as fmt

from . import rendering
from .definitions import FORMS
from .models import FormEvent, SignedForm
from .spec import FormSpec, Party, typed

SYSTEM = "system:forms"
INTERNAL = "internal"


def spec_of(form: SignedForm) -> FormSpec:
    return FORMS[form.code]


def digest(form: SignedForm, values: Mapping[str, object]) -> str:
    """SHA-256 of the form's content: its code, version and values, canonical JSON."""
    canonical = json.dumps(
        {"form": form.code, "version": form.version.isoformat(), "values": values},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def event(form: SignedForm, kind: str, text: str) -> None:
    FormEvent.objects.create(form=form, kind=kind, text=text[:300])


def audit(
    action: str,
    form: SignedForm,
    *,
    request: HttpRequest | None = None,
    actor: User | None = None,
    actor_email: str = "",
    **details: object,
) -> None:
    record(
        action,
        request=request,
        actor=actor,
        actor_email=actor_email,
        organization=form.organization,
        target=form.reference,
        details={"form": form.code, **details},
    )


def form_path(form: SignedForm) -> str:
    return reverse("signedforms:detail", args=[form.pk])


def _employer_recipients(form: SignedForm) -> list[str]:
    return [form.created_by.email]


def notify_employer(form: SignedForm, subject: str, body: str) -> None:
    link = absolute_url(form_path(form))
    notify_on_commit(
        _employer_recipients(form),
        subject,
        f"{body}\n\nSee it: {link}",
        kind=Notice.FILE_RESULT,
        organization_id=form.organization_id,
    )


def pdf_context(form: SignedForm) -> rendering.Context:
    spec = spec_of(form)
    values = typed(spec, form.values)
    details = issuer()
    identity: list[tuple[str, str]] = []
    if form.member is not None:
        member = form.member
        identity = [
            ("Name", f"{member.first_name} {member.last_name}"),
            ("Employee ID", member.employee_id),
            ("Date of birth", fmt.iso_date(member.birth_date)),
        ]
    signed = [
        rendering.SignedBy(
            Party(s.party),
            s.signer_name,
            s.signer_email,
            s.signed_at,
            s.ip_address or "",
            s.method,
            s.content_sha256,
        )
        for s in form.signatures.all()
    ]
    del values
    return rendering.Context(
        reference=form.reference,
        organization=form.organization.name,
        issuer_name=details.name,
        issuer_lines=[details.name, *details.address],
        identity=identity,
        signatures=signed,
        content_sha256=form.content_sha256 or digest(form, form.values),
        completed_at=form.completed_at,
    )


def completed_pdf(form: SignedForm) -> bytes:
    spec = spec_of(form)
    return rendering.completed_pdf(spec, typed(spec, form.values), pdf_context(form))
