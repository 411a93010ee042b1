from django.apps import AppConfig

from pensionportal.core import rotation


class MessagingConfig(AppConfig):
    name = "pensionportal.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        rotation.register_encrypted_field(
            "messaging.Thread", "subject_encrypted", what="message subjects"
        )
        rotation.register_encrypted_field(
            "messaging.Message", "body_encrypted", what="message bodies"
        )
        rotation.register_encrypted_field(
            "messaging.Attachment", "filename_encrypted", what="attachment names"
        )
