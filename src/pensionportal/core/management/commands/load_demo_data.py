from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from pensionportal.core import outbox
from pensionportal.core.models import EmailStatus, OutgoingEmail
from pensionportal.demo import load_demo_data


class Command(BaseCommand):
    help = "Create (or refresh) the demo organizations and users. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's notifications would only flood the console: keep them in memory.
        # They are queued in the outbox like every e-mail: deliver them here, into memory,
        # so that the worker of `make run` finds them sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            sign_ins = load_demo_data()
            for email_id in OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).values_list(
                "pk", flat=True
            ):
                outbox.deliver(email_id)
        self.stdout.write(f"Demo data ready: {len(sign_ins)} sign-ins.")
