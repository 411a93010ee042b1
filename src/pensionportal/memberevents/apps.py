from django.apps import AppConfig

from pensionportal.core import events


class MemberEventsConfig(AppConfig):
    name = "pensionportal.memberevents"
    label = "memberevents"
    verbose_name = "Member events and the plan's deadlines"

    def ready(self) -> None:
        # Here, not at the top: reactions import models, which wait for the app registry.
        from pensionportal.operations import scheduling

        from . import reactions, tasks

        events.subscribe(events.SubmissionApplied, reactions.refresh_after_applied_file)
        scheduling.register_daily(tasks.refresh_member_events_for)
