"""Background tasks of the platform: e-mail delivery."""

from __future__ import annotations

from django_tasks import task

from . import conf, outbox
from .retry import retrying


@task()
@retrying(conf.email_retry, on_give_up=outbox.give_up, on_retry=outbox.retry_scheduled)
def deliver_email(email_id: int) -> str:
    return outbox.deliver(email_id)
