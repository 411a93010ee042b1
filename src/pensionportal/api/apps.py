from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pensionportal.api"
    label = "api"
    verbose_name = "REST API"
