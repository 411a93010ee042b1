from django.apps import AppConfig

from pensionportal.core import events


class RemittancesConfig(AppConfig):
    name = "pensionportal.remittances"
    label = "remittances"

    def ready(self) -> None:
        # Here, not at the top: these import models, which wait for the app registry.
        from pensionportal.operations import scheduling

        from . import reactions, tasks, todos

        events.subscribe(events.PaySubmissionApplied, reactions.reconcile_applied_pay)
        scheduling.register_daily(tasks.send_due_date_reminders_for)
        scheduling.register_daily(tasks.draft_regulator_notices_for)
        todos.register()
