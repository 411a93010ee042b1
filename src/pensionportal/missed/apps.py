from django.apps import AppConfig

from pensionportal.core import events


class MissedConfig(AppConfig):
    name = "pensionportal.missed"
    label = "missed"

    def ready(self) -> None:
        # Here, not at the top: these import models, which wait for the app registry.
        from pensionportal.operations import scheduling

        from . import reactions, tasks, todos

        events.subscribe(events.PaySubmissionApplied, reactions.close_cases_paid)
        todos.register()
        scheduling.register_daily(tasks.run_missed_contributions_for)
