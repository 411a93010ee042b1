from django.apps import AppConfig


class RemittancesConfig(AppConfig):
    name = "pensionportal.remittances"
    label = "remittances"
    default_auto_field = "django.db.models.BigAutoField"
