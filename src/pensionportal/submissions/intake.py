"""The intake pipeline's steps: record → validate → (confirm, actions.py) → apply.

The user-facing actions that start them are in `actions.py`; validation and applying run in
the task worker (`tasks.py`, which also queues them), retried with backoff on a
transient error (core/retry.py). Each holds the submission's row lock for its whole run and
checks the status under it, so a second run of the same work (a retry, the reaper, staff's
"Run again") waits for the first and then finds nothing to do: a file is never applied
twice. Applying is one transaction: the whole file or nothing. A worker killed while
validating or applying leaves the status `validating` or `applying` with nothing written;
the reaper (operations/reaper.py, run by the scheduler) finds it once the lock is gone and queues
the work again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, Plan, User
from pensionportal.audit.record import record
from pensionportal.core import events
from pensionportal.core.notify import Notice, absolute_url, notify_on_commit
from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.model import ParsedFile, Unreadable
from pensionportal.datafiles.problems import Problem
from pensionportal.datafiles.problems import Severity as ProblemSeverity
from pensionportal.datafiles.reader import read
from pensionportal.datafiles.validate import validate
from pensionportal.files import store as files
from pensionportal.files.models import StoredFile
from pensionportal.rules import contributions as rule_contributions
from pensionportal.rules.contributions_select import Participation

from . import conf
from .appliers import APPLIERS, ApplyError, apply_pay
from .models import Severity, Source, Status, Submission, SubmissionProblem
from .registry_db import DatabaseRegistry

log = logging.getLogger(__name__)

SIN_COLUMNS = {"sin", "new_sin"}
INTERNAL_FAILURE = (
    "Nothing was applied: an internal error stopped the run. "
    "It is tried again automatically; if it keeps failing, staff can run it again."
)
CHECK_FAILURE = (
    "The file could not be checked: an internal error stopped the check. "
    "It is tried again automatically; if it keeps failing, staff can run it again."
)
GAVE_UP = " Automatic attempts have stopped: run it again or contact the administrator."


class IntakeError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Record --------------------------------------------------------------------------------


def check_sender(actor: User, organization: Organization) -> None:
    if not access.organizations_for(actor, Capability.FILES).filter(pk=organization.pk).exists():
        raise IntakeError("Choose one of your organizations.", "organization")
    if not organization.is_employer:
        raise IntakeError("Pension data files come from employers.", "organization")


def record_submission(
    actor: User,
    organization: Organization,
    filename: str,
    stored: StoredFile,
    *,
    then: Callable[[int], None],
    source: str = Source.UPLOAD,
    test_mode: bool = False,
    upload_id: int | None = None,
    row_offset: int = 0,
    request: HttpRequest | None = None,
    idempotency_key: str = "",
    replaces: Submission | None = None,
) -> Submission:
    """Record a submission for a file already stored and pending (a streamed upload), and
    call `then(submission id)` in the same transaction (tasks.queue_validation: the steps
    do not know the queue). The file is purged if anything is refused. ``replaces``: the
    submission a file corrected online replaces (kept unchanged)."""
    try:
        check_sender(actor, organization)
    except IntakeError:
        files.purge(stored)
        raise
    if stored.size == 0:
        files.purge(stored)
        raise IntakeError("The file is empty.", "file")
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                organization=organization,
                source=source,
                test_mode=test_mode,
                filename=filename[:255],
                file=stored,
                size=stored.size,
                sha256=stored.sha256,
                upload_id=upload_id,
                idempotency_key=idempotency_key,
                row_offset=row_offset,
                submitted_by=actor,
                replaces=replaces,
            )
            record(
                "submission.received",
                request=request,
                actor=actor,
                organization=organization,
                target=submission.reference,
                details={
                    "source": source,
                    "test_mode": test_mode,
                    "sha256": stored.sha256,
                    "filename": submission.filename,
                    **({"replaces": replaces.reference} if replaces is not None else {}),
                },
            )
            files.keep(stored, organization=organization)
            then(submission.pk)
    except BaseException:
        files.purge(stored)
        raise
    return submission


# --- Validate ------------------------------------------------------------------------------


def check_bytes(
    original: Submission, data: bytes, filename: str
) -> tuple[ParsedFile | Unreadable, list[Problem]]:
    """The checks a file would get as a correction of ``original`` ("Check again" in the
    online correction), with nothing stored: the same reader, validators and registry as
    `validate_submission`, the original (and this unsent file) not counted as sent."""
    parsed = read(data, filename)
    if isinstance(parsed, Unreadable):
        return parsed, list(parsed.problems)
    registry = DatabaseRegistry(original.organization, replaced_submission_id=original.pk)
    context = _context(original, sha256=hashlib.sha256(data).hexdigest())
    return parsed, validate(parsed, registry, context)


def _context(submission: Submission, sha256: str | None = None) -> ValidationContext:
    return validation_context(
        submission.organization, sha256 if sha256 is not None else submission.sha256
    )


def validation_context(organization: Organization, sha256: str | None = None) -> ValidationContext:
    """The organization's plan, participation and tolerance, as the checks use them (also
    the online PAY form's expected contributions)."""
    participation = None
    if organization.plan == Plan.SELECT and organization.plan_participation_date:
        participation = Participation(organization.plan_participation_date)
    plan = (
        rule_contributions.Plan.SELECT
        if organization.plan == Plan.SELECT
        else rule_contributions.Plan.OPSEU
    )
    return ValidationContext(
        plan=plan,
        participation=participation,
        tolerance=conf.tolerance(),
        file_sha256=sha256,
    )


def _masked(problem: Problem) -> str:
    """The value as given, except a SIN, which is never stored in clear (house rule)."""
    if (problem.field or "") in SIN_COLUMNS and problem.value:
        digits = "".join(ch for ch in problem.value if ch.isdigit())
        return f"***{digits[-3:]}" if digits else "***"
    return problem.value[:300]


def read_submission(submission: Submission) -> ParsedFile | Unreadable:
    assert submission.file is not None
    data = files.read_all(submission.file)
    return read(data, submission.filename)


def validate_submission(submission_id: int) -> Submission:
    """Read and check the file; record every problem; move to the next state."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        if submission.status not in (Status.RECEIVED, Status.VALIDATING):
            return submission
        submission.status = Status.VALIDATING
        submission.worker_started_at = timezone.now()
        submission.failure_message = ""
        submission.save(update_fields=["status", "worker_started_at", "failure_message"])
    try:
        with transaction.atomic():
            # Held to the end: a second run waits here, and the reaper sees a live check.
            submission = Submission.objects.select_for_update().get(pk=submission_id)
            if submission.status != Status.VALIDATING:
                return submission  # another run has finished it meanwhile
            parsed, registry = _check(submission)
    except Exception:
        log.exception(
            "Checking submission %s failed; it is left to be checked again", submission_id
        )
        Submission.objects.filter(pk=submission_id, status=Status.VALIDATING).update(
            status=Status.RECEIVED, failure_message=CHECK_FAILURE
        )
        raise
    if submission.status == Status.ACCEPTED and not isinstance(parsed, Unreadable):
        # No warnings to confirm: apply now, in this task, from the file already parsed.
        return apply_submission(submission.pk, parsed, registry.member_ids())
    return submission


def _check(submission: Submission) -> tuple[ParsedFile | Unreadable, DatabaseRegistry]:
    parsed = read_submission(submission)
    registry = DatabaseRegistry(
        submission.organization,
        exclude_submission_id=submission.pk,
        replaced_submission_id=submission.replaces_id,
    )
    if isinstance(parsed, Unreadable):
        problems = list(parsed.problems)
    else:
        problems = validate(parsed, registry, _context(submission))
    SubmissionProblem.objects.filter(submission=submission).delete()
    SubmissionProblem.objects.bulk_create(
        (
            SubmissionProblem(
                submission=submission,
                row=_entered_row(p.row, submission.row_offset),
                column=(p.column or "")[:80],
                value=_masked(p),
                rule=p.rule[:60],
                message=p.message[:500],
                severity=Severity.ERROR if p.is_error else Severity.WARNING,
            )
            for p in problems
        ),
        batch_size=2000,
    )
    errors = sum(1 for p in problems if p.severity is ProblemSeverity.ERROR)
    submission.error_count = errors
    submission.warning_count = len(problems) - errors
    if not isinstance(parsed, Unreadable):
        submission.template = parsed.code
        submission.rows_total = len(parsed.rows)
        _keep_pay_header(submission, parsed)
    submission.validated_at = timezone.now()
    if errors:
        submission.status = Status.REJECTED
    elif submission.test_mode:
        submission.status = Status.VALIDATED_TEST
    elif submission.warning_count:
        submission.status = Status.AWAITING_CONFIRMATION
    else:
        submission.status = Status.ACCEPTED
    submission.save()
    record(
        "submission.validated",
        actor_email="system:intake",
        organization=submission.organization,
        target=submission.reference,
        details={
            "status": submission.status,
            "errors": submission.error_count,
            "warnings": submission.warning_count,
            "template": submission.template,
        },
    )
    _notify_result(submission)
    events.publish_on_commit(
        events.SubmissionChecked(
            submission_id=submission.pk, organization_id=submission.organization_id
        )
    )
    return parsed, registry


def _entered_row(row: int | None, offset: int) -> int | None:
    """The row number the user knows: the file's, or the online form's."""
    if row is None or offset == 0:
        return row
    return row - offset if row > offset else None


def _keep_pay_header(submission: Submission, parsed: ParsedFile) -> None:
    if parsed.header is None:
        return
    values = parsed.header.values
    submission.pay_cycle = str(values.get("pay_cycle") or "")
    pay_date, start, end = (
        values.get("pay_date"),
        values.get("period_start"),
        values.get("period_end"),
    )
    submission.pay_date = pay_date if not isinstance(pay_date, (str, Decimal, int)) else None
    submission.period_start = start if not isinstance(start, (str, Decimal, int)) else None
    submission.period_end = end if not isinstance(end, (str, Decimal, int)) else None
    submission.payment_reference = str(values.get("payment_reference") or "")[:50]
    amount = values.get("remittance_amount")
    submission.remittance_amount = amount if isinstance(amount, Decimal) else None


def _notify_result(submission: Submission) -> None:
    link = absolute_url(reverse("submissions:detail", args=[submission.pk]))
    notify_on_commit(
        [submission.submitted_by.email],
        f"Pension data {submission.reference}: {submission.get_status_display()}",
        f"Your pension data submission {submission.reference} has been checked: "
        f"{submission.get_status_display()}.\n\nSee it in the Employer Portal: {link}",
        kind=Notice.FILE_RESULT,
        organization_id=submission.organization_id,
    )


# --- Apply ---------------------------------------------------------------------------------


RUNNABLE_AGAIN = (Status.RECEIVED, Status.VALIDATING, Status.ACCEPTED, Status.APPLYING)


def gave_up(submission_id: int, *, error: BaseException) -> None:
    """The task's last attempt failed: say so on the submission (see core/retry.py)."""
    submission = Submission.objects.filter(pk=submission_id).first()
    if submission is None or submission.status not in RUNNABLE_AGAIN:
        return
    message = (submission.failure_message or INTERNAL_FAILURE).split(" It is tried again")[0]
    Submission.objects.filter(pk=submission_id).update(failure_message=(message + GAVE_UP)[:500])


def apply_submission(
    submission_id: int,
    parsed: ParsedFile | None = None,
    member_ids: dict[str, int] | None = None,
) -> Submission:
    """Apply the whole file in one transaction, or nothing. `parsed` and `member_ids` spare
    a second read when validation has just parsed the same bytes and loaded the members."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=submission_id)
        if submission.status not in (Status.ACCEPTED, Status.APPLYING):
            return submission
        submission.status = Status.APPLYING
        submission.failure_message = ""
        submission.worker_started_at = timezone.now()
        submission.save(update_fields=["status", "failure_message", "worker_started_at"])
    try:
        with transaction.atomic():
            # Held to the commit: a second run waits here and then finds it applied.
            submission = Submission.objects.select_for_update().get(pk=submission_id)
            if submission.status != Status.APPLYING:
                return submission  # another run has applied it meanwhile
            if parsed is None:
                read_back = read_submission(submission)
                if isinstance(read_back, Unreadable):
                    raise ApplyError("The stored file can no longer be read.")
                parsed = read_back
            if parsed.code == "PAY" and member_ids is not None:
                count = apply_pay(submission, parsed, member_ids)
            else:
                count = APPLIERS[parsed.code](submission, parsed)
            submission.status = Status.APPLIED
            submission.rows_done = count
            submission.applied_at = timezone.now()
            submission.save(update_fields=["status", "rows_done", "applied_at"])
            record(
                "submission.applied",
                actor_email="system:intake",
                organization=submission.organization,
                target=submission.reference,
                details={"template": submission.template, "rows": count},
            )
            if submission.template == "PAY":
                _after_pay_applied(submission)
            _after_applied(submission)
    except Exception as error:
        log.exception("Applying %s failed; nothing was applied", f"submission {submission_id}")
        with transaction.atomic():
            Submission.objects.filter(pk=submission_id, status=Status.APPLYING).update(
                status=Status.ACCEPTED,
                failure_message=(
                    f"Nothing was applied: {error}"
                    if isinstance(error, ApplyError)
                    else INTERNAL_FAILURE
                )[:500],
            )
        raise
    return submission


def _after_pay_applied(submission: Submission) -> None:
    """In the applying transaction: remittances reconcile, missed contributions close the
    cases the R or A contributions pay (their subscribers, core/events.py)."""
    events.publish(
        events.PaySubmissionApplied(
            submission_id=submission.pk, organization_id=submission.organization_id
        )
    )


def _after_applied(submission: Submission) -> None:
    """After the commit, and never failing the applied file: member events' work items follow
    the data (a TER asks for the statement of benefits, a PRIORSVC or PA file closes what
    waited for it); the daily refresh catches up if a reaction fails."""
    events.publish_on_commit(
        events.SubmissionApplied(
            submission_id=submission.pk,
            organization_id=submission.organization_id,
            template=submission.template,
        )
    )
