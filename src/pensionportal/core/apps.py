from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pensionportal.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import issuer  # noqa: F401  (registers the deployment check)
