from collections.abc import Callable

from django.apps import AppConfig
from django.db.models.signals import post_save

from pensionportal.core import rotation


class MessagingConfig(AppConfig):
    name = "pensionportal.messaging"
    label = "messaging"

    def ready(self) -> None:
        # The index, the to-dos, the unread rows and the accounts models load only once
        # the app registry is ready.
        from pensionportal.accounts.models import Membership, StaffRoleGrant

        from . import search_index, todos, unread

        todos.register()
        # A role or an organization given: the user's unread rows are built then, not on
        # their next page (which builds them anyway for grants made without save()).
        for model in (Membership, StaffRoleGrant):
            post_save.connect(
                unread.visibility_granted, sender=model, dispatch_uid=f"unread-{model}"
            )
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
