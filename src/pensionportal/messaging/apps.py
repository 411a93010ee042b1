from collections.abc import Callable

from django.apps import AppConfig

from pensionportal.core import rotation


class MessagingConfig(AppConfig):
    name = "pensionportal.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The index and the to-dos import the models, which load only once the app
        # registry is ready.
        from . import search_index, todos

        todos.register()
        rotation.register_encrypted_field(
            "messaging.Thread", "subject_encrypted", what="message subjects"
        )
        rotation.register_encrypted_field(
            "messaging.Message", "body_encrypted", what="message bodies"
        )
        rotation.register_encrypted_field(
            "messaging.Attachment", "filename_encrypted", what="attachment names"
        )
        rotation.register_rebuildable_index(
            SEARCH_INDEX,
            setting=search_index.SETTING,
            stale=lambda: search_index.stale().count(),
            rebuild=_rebuild_search_index,
        )


SEARCH_INDEX = "message search index"


def _rebuild_search_index(
    batch: int, progress: Callable[[str], None] | None
) -> rotation.RotationResult:
    # As in ready(): the index imports the models.
    from . import search_index

    result = search_index.rebuild(batch, progress)
    return rotation.RotationResult(SEARCH_INDEX, result.rebuilt, result.unreadable)
