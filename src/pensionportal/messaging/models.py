"""Secure messaging. Seed: secure-employer-portal.txt "Contacting OPTrust", "Secure messages"."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from pensionportal.core.crypto import decrypt_text


class Mailbox(models.Model):
    """One of the administrator's shared mailboxes. Employers write to a mailbox, never to a
    person; the staff who keep it are its `keepers` (they get its notifications)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    description = models.CharField(max_length=300, blank=True)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="kept_mailboxes",
        limit_choices_to={"is_staff": True},
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name


# The standard mailboxes (seeded by migration 0002): slug, name, description.
STANDARD_MAILBOXES = [
    (
        "data-management",
        "Data Management Group",
        "Pension data files, contribution data, member data corrections.",
    ),
    ("pension-partner", "Pension Partner", "Your primary contact for plan administration."),
    ("buybacks", "Buybacks", "Buyback applications, costs and payroll deduction directions."),
    ("member-services", "Member Services", "Questions about individual members' pensions."),
]
DATA_MANAGEMENT_MAILBOX = "data-management"
BUYBACKS_MAILBOX = "buybacks"


class ThreadStatus(models.TextChoices):
    """Staff side (issue 4, "Staff side"): open until the administrator closes it."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Thread(models.Model):
    """A conversation between one organization and one of the administrator's mailboxes.

    Seed: secure-employer-portal.txt "Secure messages" — each thread has a unique reference
    number, kept by every reply; messages are never deleted, only archived. The subject is
    encrypted at rest (it may hold a member's name or SIN).
    """

    reference = models.CharField(max_length=20, unique=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="threads"
    )
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="threads")
    subject_encrypted = models.TextField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    last_message_at = models.DateTimeField(db_index=True)
    message_count = models.PositiveIntegerField(default=0)
    last_message_from_staff = models.BooleanField(default=False)
    # select-employer-manual.txt Section 4: an answer within two business days.
    respond_by = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_threads",
    )
    archived_by_organization = models.BooleanField(default=False)
    archived_by_staff = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["-last_message_at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            # The staff inbox counts overdue threads per mailbox on every load: an index of
            # the open, unanswered threads only, so the count reads those, not every thread.
            models.Index(
                fields=["respond_by", "mailbox"],
                condition=models.Q(
                    status="open", archived_by_staff=False, respond_by__isnull=False
                ),
                name="thread_staff_overdue",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def subject(self) -> str:
        return decrypt_text(self.subject_encrypted)

    @property
    def has_replies(self) -> bool:
        return self.message_count > 1


class Message(models.Model):
    """One message of a thread; the body is encrypted at rest. Never deleted or edited."""

    thread = models.ForeignKey(Thread, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_staff = models.BooleanField()
    body_encrypted = models.TextField()
    created_at = models.DateTimeField(db_index=True)
    # Id of the search-index key its tokens are under (search_index.py); "" = not indexed.
    search_key = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.thread.reference} #{self.pk}"

    @property
    def body(self) -> str:
        return decrypt_text(self.body_encrypted)


class SearchToken(models.Model):
    """One term of one message in the search index (search_index.py): a keyed hash of a
    normalized word or of the reference, within the thread's organization. Looked up by
    token, organization and thread in one index; never holds any text."""

    pk = models.CompositePrimaryKey("message", "token")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+", db_index=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+", db_index=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    token = models.BigIntegerField()

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["token", "organization", "thread"], name="messaging_search_lookup")
        ]

    def __str__(self) -> str:
        return f"token of message {self.message_id}"


class Attachment(models.Model):
    """A file sent with a message, stored encrypted in the file layer."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    filename_encrypted = models.TextField()
    content_type = models.CharField(max_length=120)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"

    @property
    def filename(self) -> str:
        return decrypt_text(self.filename_encrypted)


class ThreadRead(models.Model):
    """When a user last read a thread: the thread is unread for them if it changed since."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["thread", "user"], name="unique_thread_read")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"


class ThreadUnread(models.Model):
    """A thread the user has not read since its last message (issue 18, "Must do" 3): the
    Messages badge and the staff mailbox counts read these rows (one per unread thread of the
    user) instead of scanning every visible thread. The definition stays `ThreadRead` (unread
    = no read at or after the last message); `unread.py` keeps the rows equal to it, and
    who may see the thread is still `access.visible_threads`, applied when counting."""

    pk = models.CompositePrimaryKey("user", "thread")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="unread_marks", db_index=False
    )

    def __str__(self) -> str:
        return f"{self.user_id} has not read {self.thread_id}"


class UnreadCoverage(models.Model):
    """The organizations (None: every organization) whose threads have `ThreadUnread` rows
    kept for the user: every message to such an organization writes the user's row. Rows
    are built when a user first needs an organization they are not covered for
    (`unread.ensure_covered`), from `ThreadRead`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, related_name="+"
    )

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["user", "organization"], name="unread_coverage_unique"),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(organization__isnull=True),
                name="unread_coverage_every_unique",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["organization", "user"], name="unread_coverage_by_org")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} covered for {self.organization_id or 'every organization'}"
