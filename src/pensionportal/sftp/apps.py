from django.apps import AppConfig

from pensionportal.core import events


class SftpConfig(AppConfig):
    name = "pensionportal.sftp"
    label = "sftp"
    verbose_name = "SFTP server"

    def ready(self) -> None:
        # Here, not at the top: it imports models, which wait for the app registry.
        from . import reactions

        events.subscribe(events.SubmissionChecked, reactions.write_back_problem_report)
