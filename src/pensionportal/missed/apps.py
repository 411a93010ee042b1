from django.apps import AppConfig

from pensionportal.core import events


class MissedConfig(AppConfig):
    name = "pensionportal.missed"
    label = "missed"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: reactions import models, which wait for the app registry.
        from . import reactions

        events.subscribe(events.PaySubmissionApplied, reactions.close_cases_paid)
