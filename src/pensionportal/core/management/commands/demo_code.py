from typing import Any

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pensionportal.core.demo import DEMO_TOTP_SECRETS


class Command(BaseCommand):
    help = "Print the current one-time code of a DEMO account (its secret is public demo data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_code works only in a local (non-production) installation.")
        secret = DEMO_TOTP_SECRETS.get(options["email"].lower())
        if secret is None:
            raise CommandError(f"{options['email']} is not a demo account with MFA.")
        counters = list(yield_hotp_counters_from_time())
        self.stdout.write(format_hotp_value(hotp_value(secret, counters[len(counters) // 2])))
