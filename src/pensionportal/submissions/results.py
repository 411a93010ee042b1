"""A submission's outcome in one sentence, for a payroll system that reads it without the
page (the REST API's `result`, the SFTP outbox's status file)."""

from __future__ import annotations

from .models import Status, Submission

SENTENCES = {
    Status.RECEIVED: "Received; it will be checked in a moment.",
    Status.VALIDATING: "Being checked.",
    Status.REJECTED: "Rejected: the file has errors and nothing was applied. Fix the rows "
    "listed in the problems and send the corrected file.",
    Status.AWAITING_CONFIRMATION: "Checked with warnings: read them, then confirm the "
    "submission on its page (or through the API), or send a corrected file.",
    Status.ACCEPTED: "Accepted; it is being applied.",
    Status.APPLYING: "Being applied.",
    Status.APPLIED: "Applied.",
    Status.VALIDATED_TEST: "Checked in test mode; nothing was applied.",
}

STILL_CHECKING = frozenset({Status.RECEIVED, Status.VALIDATING})


def result_sentence(submission: Submission) -> str:
    if submission.failure_message and submission.status == Status.ACCEPTED:
        return submission.failure_message
    return SENTENCES.get(Status(submission.status), submission.get_status_display())


def is_checked(submission: Submission) -> bool:
    """Its problems are known (the problem report can be made)."""
    return submission.status not in STILL_CHECKING
