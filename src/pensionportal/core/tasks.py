"""Background tasks of the platform: e-mail delivery."""

from __future__ import annotations

from django_tasks import task

from . import conf, sending
from .retry import retrying


@task()
@retrying(conf.email_retry, on_give_up=sending.give_up, on_retry=sending.retry_scheduled)
def deliver_email(email_id: int) -> str:
    return sending.deliver(email_id)
