from django.apps import AppConfig

from pensionportal.core import events


class RemittancesConfig(AppConfig):
    name = "pensionportal.remittances"
    label = "remittances"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: reactions import models, which wait for the app registry.
        from . import reactions

        events.subscribe(events.PaySubmissionApplied, reactions.reconcile_applied_pay)
