from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pensionportal.reports"
    label = "reports"
