"""Sealing a completed form and applying it to the back office: the worker's steps, run by
the task queued when the last signature is in, and by the daily job for what is still
waiting (a store or a certificate that was down)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from pensionportal.accounts.models import Organization
from pensionportal.core.issuer import issuer
from pensionportal.files import store as files

from . import effects, pades
from .models import SignedForm, Status
from .records import INTERNAL, SYSTEM, completed_pdf, spec_of
from .records import audit as _audit
from .records import event as _event
from .records import notify_employer as _notify_employer
from .spec import typed

log = logging.getLogger(__name__)


@task()
def seal_and_apply_task(form_id: int) -> None:
    seal_and_apply(form_id)


def queue_seal(form_id: int) -> None:
    seal_and_apply_task.enqueue(form_id)


def seal_and_apply(form_id: int) -> SignedForm:
    """Seal the completed form (stored encrypted in the file layer), then apply what it
    says to the back office. Each step happens once; a failure is kept on the form and
    tried again by the daily job, and never undoes the signatures."""
    form = SignedForm.objects.select_related("organization", "member").get(pk=form_id)
    if form.status != Status.COMPLETED:
        return form
    if form.sealed_file_id is None:
        _seal(form)
    if form.effect_applied_at is None and (not form.effect_error or form.effect_error == INTERNAL):
        _apply(form)
    return form


def _seal(form: SignedForm) -> None:
    details = issuer()
    try:
        sealed = pades.seal(
            completed_pdf(form),
            reason=f"Sealed by {details.name}: {form.reference} signed by every signer",
            location="Employer Portal",
            contact=details.email,
        )
        stored = files.store(
            [sealed],
            purpose="signedforms.sealed",
            filename=form.filename,
            organization=form.organization,
            content_type="application/pdf",
        )
    except Exception as error:
        log.exception("Sealing %s failed", form.reference)
        SignedForm.objects.filter(pk=form.pk).update(seal_error=str(error)[:300])
        form.seal_error = str(error)[:300]
        return
    with transaction.atomic():
        form.sealed_file = stored
        form.sealed_sha256 = stored.sha256
        form.sealed_at = timezone.now()
        form.seal_error = ""
        form.save(update_fields=["sealed_file", "sealed_sha256", "sealed_at", "seal_error"])
        _event(form, "sealed", "Sealed with the plan administrator's signature (PAdES).")
        _audit("forms.sealed", form, actor_email=SYSTEM, sha256=stored.sha256)


def _apply(form: SignedForm) -> None:
    spec = spec_of(form)
    try:
        created = effects.apply(form, typed(spec, form.values))
    except effects.EffectError as error:
        with transaction.atomic():
            form.effect_error = str(error)[:500]
            form.save(update_fields=["effect_error"])
            _event(form, "effect_refused", f"The back office refused it: {error}")
            _audit("forms.effect_refused", form, actor_email=SYSTEM, why=str(error)[:300])
            _notify_employer(
                form,
                f"{form.reference}: the back office could not apply it",
                f"OPTrust {spec.code}, {form.reference}, is signed, but the back office "
                f"could not apply it: {error}",
            )
        return
    except Exception:
        log.exception("Applying %s failed", form.reference)
        SignedForm.objects.filter(pk=form.pk).update(effect_error=INTERNAL)
        form.effect_error = INTERNAL
        return
    with transaction.atomic():
        form.effect_applied_at = timezone.now()
        form.effect_error = ""
        form.save(update_fields=["effect_applied_at", "effect_error"])
        for effect in created:
            _event(form, "applied", effect.label)


def finish_pending(organization: Organization | None = None) -> int:
    """The daily job's half: seal and apply completed forms still waiting (a store or a
    certificate that was down)."""
    pending = SignedForm.objects.filter(status=Status.COMPLETED).filter(
        Q(sealed_file=None) | Q(effect_applied_at=None, effect_error__in=("", INTERNAL))
    )
    if organization is not None:
        pending = pending.filter(organization=organization)
    count = 0
    for form_id in pending.values_list("pk", flat=True).distinct():
        seal_and_apply(form_id)
        count += 1
    return count
