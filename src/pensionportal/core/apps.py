from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pensionportal.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from . import issuer  # noqa: F401  (registers the deployment check)
        from .logs import task_context, task_done

        task_started.connect(task_context, dispatch_uid="portal-task-log-context")
        task_finished.connect(task_done, dispatch_uid="portal-task-log-context-done")
