from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from pensionportal.core.demo import load_demo_data


class Command(BaseCommand):
    help = "Create (or refresh) the demo organizations and users. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's notifications would only flood the console: keep them in memory.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            sign_ins = load_demo_data()
        self.stdout.write(f"Demo data ready: {len(sign_ins)} sign-ins.")
