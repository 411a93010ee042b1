from django.apps import AppConfig

from pensionportal.core import events


class BuybacksConfig(AppConfig):
    name = "pensionportal.buybacks"
    label = "buybacks"

    def ready(self) -> None:
        # Here, not at the top: these import models, which wait for the app registry.
        from pensionportal.operations import scheduling
        from pensionportal.submissions.registry_db import BUYBACK_DUE

        from . import reactions, tasks, todos
        from .deductions_due import deductions_due

        events.subscribe(events.MemberEnrolled, reactions.quote_prior_service)
        scheduling.register_daily(tasks.run_buybacks_daily_for)
        todos.register()
        # The PAY intake check asks for the deductions due without importing this app
        # (submissions is below buybacks in the layers).
        if deductions_due not in BUYBACK_DUE:
            BUYBACK_DUE.append(deductions_due)
