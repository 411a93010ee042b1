"""The SFTP edge's reaction to intake (docs/architecture.md, "Events"): once a
submission's check has committed, its problem report is written back to the organization's
`outbox/results/` (outbox.write_back). A failure here is logged and leaves the check as it
is: the outbox makes the report again when it is listed."""

from __future__ import annotations

from pensionportal.core.events import SubmissionChecked

from .outbox import write_back


def write_back_problem_report(event: SubmissionChecked) -> None:
    write_back(event.submission_id)
