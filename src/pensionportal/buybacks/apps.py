from django.apps import AppConfig

from pensionportal.core import events


class BuybacksConfig(AppConfig):
    name = "pensionportal.buybacks"
    label = "buybacks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Here, not at the top: these import models, which wait for the app registry.
        from pensionportal.operations import scheduling

        from . import reactions, tasks

        events.subscribe(events.MemberEnrolled, reactions.quote_prior_service)
        scheduling.register_daily(tasks.run_buybacks_daily_for)
