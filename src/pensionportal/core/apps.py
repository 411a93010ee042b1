from django.apps import AppConfig
from django_tasks.signals import task_finished, task_started

from . import issuer, rotation
from .logs import task_context, task_done


class CoreConfig(AppConfig):
    name = "pensionportal.core"
    label = "core"

    def ready(self) -> None:
        issuer.register_checks()
        task_started.connect(task_context, dispatch_uid="portal-task-log-context")
        task_finished.connect(task_done, dispatch_uid="portal-task-log-context-done")
        # Queued and undelivered e-mail (sent e-mail is blanked): `manage.py rotate_keys`.
        rotation.register_encrypted_field(
            "core.OutgoingEmail", "body_encrypted", what="queued e-mail bodies"
        )
        rotation.register_encrypted_field(
            "core.OutgoingEmail", "html_encrypted", what="queued e-mail bodies (HTML)"
        )
