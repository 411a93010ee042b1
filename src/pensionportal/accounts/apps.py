from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pensionportal.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Here, not at the top: these import models, which wait for the app registry.
        from pensionportal.core import notify

        from . import notifications, signals  # noqa: F401  (signals connects the audit receivers)

        # every e-mail passes the person's choices (core.notify sits below accounts)
        notify.register_filter(notifications.keep_wanted)
