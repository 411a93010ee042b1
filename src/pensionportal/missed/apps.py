from django.apps import AppConfig


class MissedConfig(AppConfig):
    name = "pensionportal.missed"
    label = "missed"
    default_auto_field = "django.db.models.BigAutoField"
