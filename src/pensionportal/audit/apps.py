from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pensionportal.audit"
    label = "audit"
