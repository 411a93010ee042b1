"""Each pay cycle: the deduction file for every employer that takes one (docs/buybacks.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pensionportal.accounts.models import User
from pensionportal.buybacks import actions
from pensionportal.buybacks.models import DeductionFileEmployer


class Command(BaseCommand):
    help = "Produce and deliver the buyback deduction file for a pay date to each employer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pay-date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--staff", required=True, help="e-mail of the staff user sending")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pay_date = dt.date.fromisoformat(options["pay_date"])
        except ValueError as error:
            raise CommandError("--pay-date must be YYYY-MM-DD") from error
        staff = User.objects.filter(email=options["staff"], is_staff=True).first()
        if staff is None:
            raise CommandError("--staff must be a staff user's e-mail")
        for setting in DeductionFileEmployer.objects.filter(enabled=True).select_related(
            "organization"
        ):
            try:
                run = actions.produce_deduction_file(staff, setting.organization, pay_date)
            except actions.BuybackError as error:
                self.stdout.write(f"{setting.organization.name}: {error}")
            else:
                self.stdout.write(f"{setting.organization.name}: {run.filename} delivered")
