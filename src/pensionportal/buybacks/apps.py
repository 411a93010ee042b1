from django.apps import AppConfig


class BuybacksConfig(AppConfig):
    name = "pensionportal.buybacks"
    label = "buybacks"
    default_auto_field = "django.db.models.BigAutoField"
