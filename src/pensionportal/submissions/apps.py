from django.apps import AppConfig

from pensionportal.core import events, rotation


class SubmissionsConfig(AppConfig):
    name = "pensionportal.submissions"
    label = "submissions"

    def ready(self) -> None:
        # Here, not at the top: these import models, which wait for the app registry.
        from pensionportal.operations import reaper

        from . import reactions, todos
        from .recovery import reap_stuck

        events.subscribe(events.PensionDataFileReceived, reactions.take_pension_data_file)
        reaper.register("submissions", reap_stuck)
        rotation.register_encrypted_field(
            "submissions.Correction", "edits_encrypted", what="online corrections"
        )
        rotation.register_encrypted_field(
            "submissions.Correction", "checked_encrypted", what="online corrections' checks"
        )
        todos.register()
