from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "pensionportal.integrations"
    label = "integrations"
    verbose_name = "Payroll system connections"

    def ready(self) -> None:
        from pensionportal.core import rotation  # in ready(): the app registry is loaded

        rotation.register_encrypted_field(
            "integrations.HostKey", "private_key_encrypted", what="SFTP host keys"
        )
