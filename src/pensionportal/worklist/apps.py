from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "pensionportal.worklist"
    label = "worklist"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Work list (staff tasks and employers' to-dos)"
