from django.apps import AppConfig

from pensionportal.core import rotation


class FilesConfig(AppConfig):
    name = "pensionportal.files"
    label = "files"

    def ready(self) -> None:
        rotation.register_encrypted_field("files.StoredFile", "wrapped_key", what="file keys")
        rotation.register_encrypted_field(
            "files.StoredFile", "filename_encrypted", what="file names"
        )
