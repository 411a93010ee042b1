"""Every state change of a signed form: one atomic action each, audited, e-mailing on
commit. Views parse input, call one of these, render.

    draft --(employer signs, or sends to the member)--> awaiting member / employer --> ...
          --> completed (then sealed and applied by a task) ; any open state --> withdrawn

The order of signers is the spec's (`FormSpec.signers`): a 1030 is signed by the member
(page 1), then the employer (page 2); a 1025ER by the employer, then the member. The back
office changes only once every signature is in (a half-signed form changes nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts.models import Organization, User
from pensionportal.audit.record import client_ip
from pensionportal.core.issuer import issuer
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.members.models import Member
from pensionportal.presentation import formatting as fmt

from . import effects
from .access import may_act_for_employer
from .definitions import FORMS
from .models import (
    OPEN_STATUSES,
    Signature,
    SignedForm,
    SigningLink,
    Status,
)
from .records import (
    INTERNAL,
    SYSTEM,
    completed_pdf,
    digest,
    form_path,
    pdf_context,
    spec_of,
)
from .records import audit as _audit
from .records import event as _event
from .records import notify_employer as _notify_employer
from .sealing import finish_pending, queue_seal, seal_and_apply
from .spec import FormSpec, Kind, Party, Value, serialise, typed
from .spec import validate as validate_values

__all__ = [
    "INTERNAL",
    "SYSTEM",
    "completed_pdf",
    "digest",
    "finish_pending",
    "form_path",
    "pdf_context",
    "seal_and_apply",
    "spec_of",
]

log = logging.getLogger(__name__)

MAX_TRIES = 5  # wrong birth dates, wrong codes, codes sent: then the link is locked


class FormError(Exception):
    """A refusal that changed nothing; `errors` are shown beside their fields."""

    def __init__(self, message: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


def _locked(form_id: int, allowed: Collection[str], refusal: str) -> SignedForm:
    """The form, locked for this transaction, when its status is one of ``allowed``; else
    the refusal (nothing changed)."""
    locked = SignedForm.objects.select_for_update().get(pk=form_id)
    if locked.status not in allowed:
        raise FormError(refusal)
    return locked


def _subject_name(last: object, first: object) -> str:
    parts = [str(p) for p in (last, first) if p]
    return ", ".join(parts) or "(name not given yet)"


# -- starting and filling -------------------------------------------------------------------


def prefill(spec: FormSpec, member: Member | None) -> dict[str, str | bool | None]:
    """Values taken from the member's registry record (and their open leave)."""
    values: dict[str, str | bool | None] = {}
    if member is None:
        return values
    leave = member.leaves.filter(end_date=None).order_by("-start_date").first()
    sources: dict[str, object] = {
        "leave_type": leave.leave_type if leave else None,
        "leave_start": leave.start_date if leave else None,
        "expected_end": leave.expected_end_date if leave else None,
    }
    for spec_field in spec.fields:
        if not spec_field.prefill:
            continue
        raw = sources.get(spec_field.prefill, getattr(member, spec_field.prefill, None))
        if raw in (None, ""):
            continue
        shown = serialise(raw)  # type: ignore[arg-type]
        if spec_field.kind is Kind.CHOICE and shown not in dict(spec_field.choices):
            continue
        values[spec_field.key] = shown
    return values


@transaction.atomic
def start_form(
    user: User,
    organization: Organization,
    code: str,
    member: Member | None,
    request: HttpRequest | None = None,
) -> SignedForm:
    spec = FORMS.get(code)
    if spec is None:
        raise FormError("There is no such form.")
    if spec.needs_member and member is None:
        raise FormError("Choose the member this form is about.", {"member": ["Choose a member."]})
    if member is not None and member.organization_id != organization.pk:
        raise FormError("Choose one of this organization's members.", {"member": ["Not found."]})
    form = SignedForm(
        organization=organization,
        member=member if spec.needs_member else None,
        code=code,
        version=spec.version,
        created_by=user,
        subject_name=_subject_name(member.last_name, member.first_name) if member else "",
        subject_employee_id=member.employee_id if member else "",
    )
    form.values = prefill(spec, member if spec.needs_member else None)
    if not form.subject_name:
        form.subject_name = "(name not given yet)"
    form.save()
    _event(form, "created", f"Started by {user.display_name}.")
    _audit("forms.created", form, request=request, actor=user)
    return form


def _require_employer(user: User, form: SignedForm) -> None:
    if not may_act_for_employer(user, form):
        raise FormError("Only the employer's users can fill in and sign this form.")


def employer_fields(spec: FormSpec) -> list[str]:
    """The employer's fields filled while the form is a draft (their declaration boxes are
    ticked when they sign)."""
    return [f.key for f in spec.fields_of(Party.EMPLOYER) if f.kind is not Kind.CONFIRM]


def declaration_fields(spec: FormSpec, party: Party) -> list[str]:
    return [f.key for f in spec.fields_of(party) if f.kind is Kind.CONFIRM]


def member_fields(spec: FormSpec) -> list[str]:
    return [f.key for f in spec.fields_of(Party.MEMBER)]


@transaction.atomic
def save_draft(
    user: User,
    form: SignedForm,
    entered: Mapping[str, Value],
    request: HttpRequest | None = None,
) -> SignedForm:
    """The employer's part of a draft, as entered (already parsed by its web form)."""
    _require_employer(user, form)
    locked = _locked(
        form.pk, (Status.DRAFT,), "Only a draft can be changed; withdraw the form to start again."
    )
    spec = spec_of(locked)
    values = locked.values
    for key in employer_fields(spec):
        values[key] = serialise(entered.get(key))
    locked.values = values
    if locked.member_id is None:
        locked.subject_name = _subject_name(values.get("last_name"), values.get("first_name"))
        locked.subject_employee_id = str(values.get("employee_id") or "")[:30]
    locked.updated_at = timezone.now()
    locked.save()
    _event(locked, "saved", f"Draft saved by {user.display_name}.")
    _audit("forms.saved", locked, request=request, actor=user)
    return locked


def draft_problems(form: SignedForm) -> dict[str, list[str]]:
    spec = spec_of(form)
    values = typed(spec, form.values)
    errors = validate_values(spec, values, (Party.EMPLOYER,))
    for key in declaration_fields(spec, Party.EMPLOYER):
        errors.pop(key, None)
    return errors


# -- links and e-mails ----------------------------------------------------------------------


def member_email(form: SignedForm) -> str:
    """The member's e-mail on record (the registry's; for an employee not yet a member,
    the one on the form, which becomes the record)."""
    values = typed(spec_of(form), form.values)
    return effects.subject_of(form, values).email


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_link(form: SignedForm) -> str:
    address = member_email(form)
    if not address:
        raise FormError(
            "No e-mail address is on record for this member, so the signing link cannot be "
            "sent. Send a Personal Change (PERCHG) with their e-mail address first."
        )
    now = timezone.now()
    SigningLink.objects.filter(form=form, used_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(days=settings.FORM_LINK_VALID_DAYS)
    SigningLink.objects.create(
        form=form, token_hash=_token_hash(token), sent_to=address, expires_at=expires
    )
    spec = spec_of(form)
    url = absolute_url(reverse("signedforms:member_link", args=[token]))
    notify_on_commit(
        [address],
        f"Please sign OPTrust {spec.code}: {spec.title}",
        f"{form.organization.name} asks you to sign the form OPTrust {spec.code} "
        f"({spec.title}) in the Employer Portal of {issuer().name}.\n\n"
        f"Open this link to read and sign it:\n{url}\n\n"
        f"The link works once and until {fmt.iso_datetime(expires)}. You will confirm your "
        "date of birth, then a code that we e-mail to this address.\n\n"
        "If you did not expect this form, ignore this message and tell your employer.",
        kind=Notice.ALWAYS,
        organization_id=form.organization_id,
    )
    _event(form, "link_sent", f"Signing link e-mailed to the member ({_masked(address)}).")
    return token


def _masked(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:1]}…@{domain}" if domain else "…"


# -- the state machine ----------------------------------------------------------------------


def next_party(form: SignedForm) -> Party | None:
    signed = set(form.signatures.values_list("party", flat=True))
    for party in spec_of(form).signers:
        if party.value not in signed:
            return party
    return None


def _advance(form: SignedForm, request: HttpRequest | None) -> None:
    spec = spec_of(form)
    party = next_party(form)
    now = timezone.now()
    if party is Party.MEMBER:
        form.status = Status.AWAITING_MEMBER
        form.sent_at = form.sent_at or now
        form.save()
        _issue_link(form)
    elif party is Party.EMPLOYER:
        form.status = Status.AWAITING_EMPLOYER
        form.sent_at = form.sent_at or now
        form.save()
        _event(form, "awaiting_employer", "Waiting for the employer's signature.")
        _notify_employer(
            form,
            f"{form.reference} (OPTrust {spec.code}) is waiting for your signature",
            f"The member has signed OPTrust {spec.code} ({spec.title}), {form.reference}. "
            "It now waits for the employer's signature.",
        )
    else:
        form.status = Status.COMPLETED
        form.completed_at = now
        form.content_sha256 = digest(form, form.values)
        form.save()
        _event(form, "completed", "Signed by everyone.")
        _audit("forms.completed", form, request=request, actor_email=SYSTEM)
        _notify_employer(
            form,
            f"{form.reference} (OPTrust {spec.code}) is signed by everyone",
            f"OPTrust {spec.code} ({spec.title}), {form.reference}, is signed by everyone. "
            "The sealed PDF and what it created in the back office are on its page.",
        )
        form_id = form.pk
        transaction.on_commit(lambda: queue_seal(form_id))


@transaction.atomic
def send_to_member(user: User, form: SignedForm, request: HttpRequest | None = None) -> SignedForm:
    """A draft whose first signer is the member goes to them."""
    _require_employer(user, form)
    locked = _locked(form.pk, (Status.DRAFT,), "This form has already been sent.")
    if next_party(locked) is not Party.MEMBER:
        raise FormError("You sign this form first: use Review and sign.")
    errors = draft_problems(locked)
    if errors:
        raise FormError("Complete your part of the form before you send it.", errors)
    _advance(locked, request)
    _audit("forms.sent", locked, request=request, actor=user)
    return locked


def verify_authenticator_code(user: User, code: str) -> bool:
    """A fresh code from the user's authenticator app (a code already used, at sign-in
    for instance, is refused: allauth keeps used codes for their period)."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    return bool(TOTP(authenticator).validate_code(code.strip().replace(" ", "")))


@dataclass(frozen=True)
class EmployerSignature:
    declarations: Mapping[str, bool]
    code: str


@transaction.atomic
def employer_sign(
    user: User,
    form: SignedForm,
    data: EmployerSignature,
    request: HttpRequest | None = None,
) -> SignedForm:
    _require_employer(user, form)
    locked = _locked(
        form.pk,
        (Status.DRAFT, Status.AWAITING_EMPLOYER),
        "This form is not waiting for the employer's signature.",
    )
    if next_party(locked) is not Party.EMPLOYER:
        raise FormError("The member signs this form first: send it to them.")
    spec = spec_of(locked)
    values = locked.values
    for key in declaration_fields(spec, Party.EMPLOYER):
        values[key] = bool(data.declarations.get(key))
    typed_values = typed(spec, values)
    errors = validate_values(spec, typed_values, (Party.EMPLOYER,))
    if not errors:
        errors.update(effects.dry_run(locked, typed_values).errors)
    if errors:
        raise FormError("The form cannot be signed yet: see the problems below.", errors)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        raise FormError(
            "Signing needs an authenticator app: set one up in Security settings, then sign.",
            {"code": ["Set up an authenticator app first."]},
        )
    if not verify_authenticator_code(user, data.code):
        raise FormError(
            "The code is not right.",
            {
                "code": [
                    "Enter the current code from your authenticator app (a new one, not the "
                    "one you signed in with)."
                ]
            },
        )
    locked.values = values
    _record_employer_signature(
        locked,
        user,
        f"Signed in to the Employer Portal as {user.email} (Portal ID {user.portal_id}) "
        "and confirmed with a fresh code from their authenticator app at signing",
        request,
    )
    return locked


def _signature(
    form: SignedForm,
    party: Party,
    name: str,
    email: str,
    method: str,
    request: HttpRequest | None,
    user: User | None = None,
) -> str:
    """The signature of ``party`` over the form's values as they stand; returns their digest."""
    content = digest(form, form.values)
    Signature.objects.create(
        form=form,
        party=party,
        signer_name=name,
        signer_email=email,
        user=user,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:200],
        method=method,
        content_sha256=content,
    )
    return content


def _record_employer_signature(
    form: SignedForm, user: User, method: str, request: HttpRequest | None
) -> None:
    content = _signature(form, Party.EMPLOYER, user.display_name, user.email, method, request, user)
    _event(form, "signed_employer", f"Signed for the employer by {user.display_name}.")
    _audit("forms.signed", form, request=request, actor=user, party="employer", sha256=content)
    _advance(form, request)


@transaction.atomic
def remind(user: User | None, form: SignedForm, request: HttpRequest | None = None) -> str:
    """Remind the signer whose turn it is; a member gets a new link (the old one stops)."""
    if user is not None:
        _require_employer(user, form)
    locked = SignedForm.objects.select_for_update().get(pk=form.pk)
    spec = spec_of(locked)
    if locked.status == Status.AWAITING_MEMBER:
        _issue_link(locked)
        said = "A new signing link was e-mailed to the member."
    elif locked.status == Status.AWAITING_EMPLOYER:
        _notify_employer(
            locked,
            f"Reminder: {locked.reference} (OPTrust {spec.code}) waits for your signature",
            f"OPTrust {spec.code} ({spec.title}), {locked.reference}, still waits for the "
            "employer's signature.",
        )
        said = "The employer was reminded."
    else:
        raise FormError("Only a form waiting for a signature can be reminded.")
    locked.last_reminder_at = timezone.now()
    locked.save(update_fields=["last_reminder_at"])
    _event(locked, "reminded", said)
    _audit(
        "forms.reminded",
        locked,
        request=request,
        actor=user,
        actor_email="" if user else SYSTEM,
        status=locked.status,
    )
    return said


@transaction.atomic
def withdraw(
    user: User, form: SignedForm, reason: str, request: HttpRequest | None = None
) -> SignedForm:
    _require_employer(user, form)
    locked = _locked(form.pk, OPEN_STATUSES, "A completed or withdrawn form cannot be withdrawn.")
    reason = reason.strip()
    if not reason:
        raise FormError("Say why the form is withdrawn.", {"reason": ["Enter a reason."]})
    now = timezone.now()
    had_links = SigningLink.objects.filter(form=locked).exists()
    SigningLink.objects.filter(form=locked, used_at=None, revoked_at=None).update(revoked_at=now)
    locked.status = Status.WITHDRAWN
    locked.withdrawn_at = now
    locked.withdrawn_reason = reason[:300]
    locked.save()
    _event(locked, "withdrawn", f"Withdrawn by {user.display_name}: {reason[:200]}")
    _audit("forms.withdrawn", locked, request=request, actor=user, reason=reason[:300])
    if had_links and member_email(locked):
        spec = spec_of(locked)
        notify_on_commit(
            [member_email(locked)],
            f"OPTrust {spec.code} withdrawn",
            f"{locked.organization.name} withdrew the form OPTrust {spec.code} ({spec.title}) "
            "they had asked you to sign. You do not need to do anything; the link no longer "
            "works.",
            kind=Notice.ALWAYS,
            organization_id=locked.organization_id,
        )
    return locked


# -- the member's side ----------------------------------------------------------------------


class LinkUnusable(Exception):
    def __init__(self, reason: str, link: SigningLink | None) -> None:
        super().__init__(reason)
        self.reason = reason  # unknown, expired, used, locked, withdrawn, replaced, no-grant
        self.link = link


def open_link(token: str) -> SigningLink:
    """The link of a token, if it may still be used; `LinkUnusable` says why not."""
    return _usable(
        SigningLink.objects.select_related("form", "form__organization", "form__member")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )


def granted_link(link_id: int) -> SigningLink:
    """The link a browser was granted when it opened the e-mailed token (the member's pages
    carry no token in their addresses), if it may still be used."""
    return _usable(
        SigningLink.objects.select_related("form", "form__organization", "form__member")
        .filter(pk=link_id)
        .first()
    )


def _usable(link: SigningLink | None) -> SigningLink:
    if link is None:
        raise LinkUnusable("unknown", None)
    if link.used_at is not None:
        raise LinkUnusable("used", link)
    if link.form.status == Status.WITHDRAWN:
        raise LinkUnusable("withdrawn", link)
    if link.revoked_at is not None:
        locked = link.birth_date_failures >= MAX_TRIES or link.code_failures >= MAX_TRIES
        raise LinkUnusable("locked" if locked else "replaced", link)
    if timezone.now() >= link.expires_at:
        raise LinkUnusable("expired", link)
    if link.form.status != Status.AWAITING_MEMBER:
        raise LinkUnusable("used", link)
    return link


def _code_hash(link: SigningLink, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{link.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def _lock(link: SigningLink, why: str) -> None:
    link.revoked_at = timezone.now()
    link.save()
    _event(link.form, "link_locked", why)
    _audit("forms.link_locked", link.form, actor_email="member", why=why)
    _notify_employer(
        link.form,
        f"{link.form.reference}: the member's signing link was locked",
        f"{why} Send the member a new link from the form's page if they ask for one.",
    )


def _wrong_answer(link: SigningLink, failures: str, why: str) -> bool:
    """One more wrong answer on a locked-for-update link (`failures` names the field that
    counts them); at MAX_TRIES the link is locked with `why`. False: not confirmed."""
    count = getattr(link, failures) + 1
    setattr(link, failures, count)
    link.save()
    if count >= MAX_TRIES:
        _lock(link, why)
    return False


@transaction.atomic
def confirm_birth_date(
    link: SigningLink, born: dt.date | None, request: HttpRequest | None = None
) -> bool:
    locked = SigningLink.objects.select_for_update().get(pk=link.pk)
    form = locked.form
    expected = effects.subject_of(form, typed(spec_of(form), form.values)).birth_date
    if born is None or expected is None or born != expected:
        return _wrong_answer(
            locked, "birth_date_failures", "The date of birth was entered wrongly too many times."
        )
    locked.birth_date_confirmed_at = timezone.now()
    locked.save()
    _send_code(locked)
    _audit("forms.member_birth_date_confirmed", form, request=request, actor_email="member")
    return True


def _send_code(link: SigningLink) -> None:
    if link.codes_sent >= MAX_TRIES:
        raise FormError("Too many codes were sent. Ask your employer for a new link.")
    code = f"{secrets.randbelow(1_000_000):06d}"
    link.code_hash = _code_hash(link, code)
    link.code_expires_at = timezone.now() + dt.timedelta(minutes=settings.FORM_CODE_VALID_MINUTES)
    link.codes_sent += 1
    link.code_failures = 0
    link.save()
    spec = spec_of(link.form)
    notify_on_commit(
        [link.sent_to],
        f"Your code to sign OPTrust {spec.code}: {code}",
        f"Your code to sign OPTrust {spec.code} ({spec.title}) is:\n\n    {code}\n\n"
        f"It works for {settings.FORM_CODE_VALID_MINUTES} minutes. If you did not ask for it, "
        "ignore this message.",
        kind=Notice.ALWAYS,
        organization_id=link.form.organization_id,
    )


@transaction.atomic
def resend_code(link: SigningLink) -> None:
    locked = SigningLink.objects.select_for_update().get(pk=link.pk)
    if locked.birth_date_confirmed_at is None:
        raise FormError("Confirm your date of birth first.")
    _send_code(locked)


@transaction.atomic
def confirm_code(link: SigningLink, code: str, request: HttpRequest | None = None) -> bool:
    locked = SigningLink.objects.select_for_update().get(pk=link.pk)
    if locked.birth_date_confirmed_at is None or not locked.code_hash:
        return False
    fresh = locked.code_expires_at is not None and timezone.now() < locked.code_expires_at
    entered = "".join(ch for ch in code if ch.isdigit())
    if not fresh or not hmac.compare_digest(_code_hash(locked, entered), locked.code_hash):
        return _wrong_answer(
            locked, "code_failures", "The e-mailed code was entered wrongly too many times."
        )
    locked.code_confirmed_at = timezone.now()
    locked.save()
    _audit("forms.member_code_confirmed", locked.form, request=request, actor_email="member")
    return True


@transaction.atomic
def member_sign(
    link: SigningLink,
    entered: Mapping[str, Value],
    request: HttpRequest | None = None,
) -> SignedForm:
    locked_link = SigningLink.objects.select_for_update().get(pk=link.pk)
    if not locked_link.is_usable() or locked_link.code_confirmed_at is None:
        raise FormError("This link cannot be used to sign any more.")
    form = _locked(
        locked_link.form_id,
        (Status.AWAITING_MEMBER,),
        "This form is not waiting for your signature.",
    )
    spec = spec_of(form)
    values = form.values
    for key in member_fields(spec):
        values[key] = serialise(entered.get(key))
    errors = validate_values(spec, typed(spec, values), (Party.MEMBER,))
    if errors:
        raise FormError("Please correct the problems below.", errors)
    form.values = values
    _record_member_signature(
        form,
        locked_link,
        f"Opened the single-use link e-mailed to {locked_link.sent_to}, confirmed their "
        "date of birth and the one-time code e-mailed to that address",
        request,
    )
    return form


def _record_member_signature(
    form: SignedForm, link: SigningLink, method: str, request: HttpRequest | None
) -> None:
    subject = effects.subject_of(form, typed(spec_of(form), form.values))
    content = _signature(
        form,
        Party.MEMBER,
        f"{subject.first_name} {subject.last_name}".strip(),
        link.sent_to,
        method,
        request,
    )
    link.used_at = timezone.now()
    link.save()
    _event(form, "signed_member", "Signed by the member.")
    _audit(
        "forms.signed", form, request=request, actor_email="member", party="member", sha256=content
    )
    _advance(form, request)


# -- after the last signature: seal, then apply ---------------------------------------------


def send_due_reminders(
    now: dt.datetime | None = None, organization: Organization | None = None
) -> int:
    """Remind every signer whose turn has waited `FORM_REMINDER_DAYS` since the form was
    sent or last reminded (a member also gets a new link when theirs has expired)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.FORM_REMINDER_DAYS)
    count = 0
    waiting = SignedForm.objects.filter(
        status__in=(Status.AWAITING_MEMBER, Status.AWAITING_EMPLOYER), sent_at__lte=cutoff
    )
    if organization is not None:
        waiting = waiting.filter(organization=organization)
    for form in waiting:
        if form.last_reminder_at is not None and form.last_reminder_at > cutoff:
            continue
        try:
            remind(None, form)
        except FormError as error:
            log.info("No reminder for %s: %s", form.reference, error.message)
            continue
        count += 1
    return count
