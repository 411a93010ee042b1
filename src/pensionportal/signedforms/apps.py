from django.apps import AppConfig


class SignedFormsConfig(AppConfig):
    name = "pensionportal.signedforms"
    label = "signedforms"
    verbose_name = "Signed forms"

    def ready(self) -> None:
        # Here, not at the top: these import models, which wait for the app registry.
        from pensionportal.core import rotation
        from pensionportal.operations import scheduling

        from . import tasks

        rotation.register_encrypted_field(
            "signedforms.SignedForm", "data_encrypted", what="signed forms' values"
        )
        scheduling.register_daily(tasks.daily_forms_for)
