from typing import Any

from django.apps import AppConfig

from pensionportal.core import rotation
from pensionportal.core.crypto import decrypt_text


def _sin(member: Any) -> str:
    return decrypt_text(member.sin_encrypted)


class MembersConfig(AppConfig):
    name = "pensionportal.members"
    label = "members"

    def ready(self) -> None:
        from . import todos  # imports models, which wait for the app registry

        todos.register()
        rotation.register_encrypted_field("members.Member", "sin_encrypted", what="SINs")
        rotation.register_blind_index(
            "members.Member",
            "sin_index",
            purpose="sin",
            source=_sin,
            what="SIN duplicate index",
        )
