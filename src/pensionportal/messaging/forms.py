"""Forms for messaging: they parse and check input; the actions do the work."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.db.models import QuerySet

from pensionportal.accounts import access as accounts_access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.chooser import OrganizationChooserField
from pensionportal.accounts.models import Organization, User
from pensionportal.files.uploads import ReceivedUpload, UploadPolicy, refusals_into

from . import conf, search_index
from .access import writable_mailboxes
from .actions import AttachmentUpload
from .filetypes import ALLOWED_DESCRIPTION, EXTENSIONS
from .models import Mailbox, ThreadStatus


class MultipleFileInput(forms.FileInput):
    """`<input type="file" multiple>` (Django docs, "Uploading multiple files")."""

    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files, already encrypted and checked for size and type by content by the
    upload handler (issue 4, "Attachments"; `ATTACHMENTS` below); the refused ones are put
    beside the field by `add_refusals`. Cleans to a list of `AttachmentUpload`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[AttachmentUpload]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        limit = conf.max_attachments_per_message()
        if len(files) > limit:
            raise forms.ValidationError(f"Attach at most {limit} files to one message.")
        return [
            AttachmentUpload(filename=uploaded.name, kind=uploaded.kind, received=uploaded)
            for uploaded in files
            if isinstance(uploaded, ReceivedUpload) and uploaded.kind is not None
        ]


def safe_filename(raw: str | None) -> str:
    """The file's own name without any folder, control characters or excess length."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:140] + dot + ext[:9]) if dot else name[:150]
    return name or "attachment"


ATTACHMENTS = UploadPolicy(
    purpose="messaging.attachment",
    max_size=conf.max_attachment_bytes,
    max_files=conf.max_attachments_per_message,
    extensions=EXTENSIONS,
    name_cleaner=safe_filename,
)


def add_refusals(form: forms.Form, request: Any) -> bool:
    """Put each refused attachment's reason beside the field; True when there was none.
    Call after `is_valid()`."""
    return refusals_into(form, request, "attachments")


def _attachments_help() -> str:
    return (
        f"Optional. You may choose several files: {ALLOWED_DESCRIPTION}, up to "
        f"{conf.max_attachment_bytes() // conf.MB} MB each."
    )


class _BodyMixin(forms.Form):
    body = forms.CharField(
        label="Message",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=conf.BODY_MAX_LENGTH,
        strip=False,
        error_messages={"required": "Enter a message."},
    )
    attachments = AttachmentsField(label="Attachments")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError("Enter a message.")
        return body


class MailboxChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.description}" if obj.description else str(obj.name)


class ComposeForm(_BodyMixin):
    """A new thread. Employers choose among their own organizations; staff among all."""

    organization = OrganizationChooserField(
        queryset=Organization.objects.none(),
        label="Organization",
        empty_label="Choose an organization",
        error_messages={
            "required": "Choose the organization you are writing for.",
            "invalid_choice": "Choose one of the organizations listed.",
        },
    )
    mailbox = MailboxChoiceField(
        queryset=Mailbox.objects.none(),
        label="To mailbox",
        empty_label="Choose a mailbox",
        error_messages={
            "required": "Choose the mailbox to write to.",
            "invalid_choice": "Choose one of the mailboxes listed.",
        },
    )
    subject = forms.CharField(
        label="Subject",
        max_length=conf.SUBJECT_MAX_LENGTH,
        error_messages={"required": "Enter a subject."},
    )
    field_order = ["organization", "mailbox", "subject", "body", "attachments"]

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs: QuerySet[Organization] = accounts_access.organizations_for(
            user, Capability.MESSAGES
        ).filter(is_active=True)
        org_field = self.fields["organization"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = orgs
        mailbox_field = self.fields["mailbox"]
        assert isinstance(mailbox_field, forms.ModelChoiceField)
        mailbox_field.queryset = writable_mailboxes()
        if accounts_access.is_staff_user(user):
            org_field.label = "To organization"
            mailbox_field.label = "From mailbox"
        else:
            mailbox_field.help_text = (
                "Messages go to a mailbox, not to a person. To reach someone, write "
                "“Attention: their name” in the message."
            )
            if orgs.count() == 1:
                org_field.initial = orgs.first()
                org_field.empty_label = None


class ReplyForm(_BodyMixin):
    body = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=conf.BODY_MAX_LENGTH,
        strip=False,
        error_messages={"required": "Enter a message."},
    )


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Assigned to",
        empty_label="Nobody",
        error_messages={"invalid_choice": "Choose a member of the administrator's staff."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = accounts_access.staff_with(Capability.MESSAGES).order_by("email")


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ThreadStatus.choices,
        label="Status",
        error_messages={"invalid_choice": "Choose open or closed."},
    )


class SearchForm(forms.Form):
    """Issue 4, "List page": search by reference, words, mailbox, dates, organization."""

    reference = forms.CharField(
        required=False,
        label="Reference",
        max_length=20,
        help_text="The whole reference (SM-XXXX-XXXX) or one of its groups of four.",
    )
    words = forms.CharField(
        required=False,
        label="Words in subject or message",
        max_length=200,
        help_text="Whole words, each one in the thread. Capitals and accents do not matter.",
    )
    mailbox = forms.ChoiceField(required=False, label="Mailbox")
    organization = OrganizationChooserField(
        queryset=Organization.objects.none(),
        required=False,
        label="Organization",
        empty_label="All organizations",
    )
    date_from = forms.DateField(
        required=False,
        label="From date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the from date as YYYY-MM-DD."},
    )
    date_to = forms.DateField(
        required=False,
        label="To date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the to date as YYYY-MM-DD."},
    )
    status = forms.ChoiceField(required=False, label="Status")
    overdue = forms.BooleanField(required=False, label="Overdue only")
    mine = forms.BooleanField(required=False, label="Assigned to me")

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mailbox_field = self.fields["mailbox"]
        assert isinstance(mailbox_field, forms.ChoiceField)
        mailbox_field.choices = [("", "All mailboxes")] + [
            (m.slug, m.name) for m in Mailbox.objects.all()
        ]
        orgs = accounts_access.organizations_for(user, Capability.MESSAGES)
        self.is_staff = accounts_access.is_staff_user(user)
        if self.is_staff or orgs.count() > 1:
            org_field = self.fields["organization"]
            assert isinstance(org_field, OrganizationChooserField)
            org_field.queryset = orgs
        else:
            del self.fields["organization"]
        if self.is_staff:
            status_field = self.fields["status"]
            assert isinstance(status_field, forms.ChoiceField)
            status_field.choices = [("", "Any status"), *ThreadStatus.choices]
        else:
            for name in ("status", "overdue", "mine"):
                del self.fields[name]

    def clean_reference(self) -> str:
        raw: str = self.cleaned_data.get("reference") or ""
        if raw.strip() and search_index.parse_reference_query(raw) is None:
            raise forms.ValidationError(
                f"{raw.strip()} is not a reference: enter it as SM-XXXX-XXXX, or one of its "
                "groups of four letters and digits."
            )
        return raw.strip()

    def clean_words(self) -> str:
        raw: str = self.cleaned_data.get("words") or ""
        if not raw.strip():
            return ""
        terms = search_index.query_terms(raw)
        if not terms:
            raise forms.ValidationError("Enter words made of letters or digits to search for.")
        if len(terms) > search_index.MAX_QUERY_TERMS:
            raise forms.ValidationError(
                f"Search for at most {search_index.MAX_QUERY_TERMS} words at a time "
                f"(you entered {len(terms)})."
            )
        return raw.strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date must be on or after the from date.")
        return cleaned
