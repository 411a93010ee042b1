from django.apps import AppConfig


class MemberEventsConfig(AppConfig):
    name = "pensionportal.memberevents"
    label = "memberevents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Member events and the plan's deadlines"
