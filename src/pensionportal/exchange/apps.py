from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "pensionportal.exchange"
    label = "exchange"
