"""Background tasks: sealing and applying a completed form; the daily reminders."""

from __future__ import annotations

from django_tasks import task


@task()
def seal_and_apply_task(form_id: int) -> None:
    from .actions import seal_and_apply

    seal_and_apply(form_id)


@task()
def daily_forms_task() -> int:
    """Reminders to signers who have not signed, and completed forms still to seal."""
    from .actions import finish_pending, send_due_reminders

    return send_due_reminders() + finish_pending()
