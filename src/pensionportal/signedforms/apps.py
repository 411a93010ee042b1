from django.apps import AppConfig


class SignedFormsConfig(AppConfig):
    name = "pensionportal.signedforms"
    label = "signedforms"
    verbose_name = "Signed forms"

    def ready(self) -> None:
        from pensionportal.core import rotation

        rotation.register_encrypted_field(
            "signedforms.SignedForm", "data_encrypted", what="signed forms' values"
        )
