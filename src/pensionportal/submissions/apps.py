from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pensionportal.submissions"
    label = "submissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pensionportal.exchange.intake import pension_data_file_received

        from .handover import on_pension_data_file

        pension_data_file_received.connect(on_pension_data_file, dispatch_uid="intake-handover")

        from pensionportal.core import reaper

        from .recovery import reap_stuck

        reaper.register("submissions", reap_stuck)
