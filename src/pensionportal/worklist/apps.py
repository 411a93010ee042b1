from django.apps import AppConfig


class WorklistConfig(AppConfig):
    name = "pensionportal.worklist"
    label = "worklist"
    verbose_name = "Work list (staff tasks and employers' to-dos)"
