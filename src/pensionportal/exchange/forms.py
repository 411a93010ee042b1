"""The File Upload forms' ordinary fields (the files themselves are streamed by
`files.uploads`, not by Django's file fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from pensionportal.accounts.chooser import OrganizationChooserField
from pensionportal.accounts.models import Organization

from .models import DELIVERY_CATEGORIES, Direction, Status


class _OrganizationForm(forms.Form):
    organization = OrganizationChooserField(
        queryset=Organization.objects.none(),
        label="Organization",
        empty_label="Choose an organization",
        error_messages={
            "required": "Choose the organization the files are for.",
            "invalid_choice": "Choose one of your organizations.",
        },
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
        if organizations.count() == 1:
            field.initial = organizations.first()
            field.empty_label = None


class UploadForm(_OrganizationForm):
    send_anyway = forms.BooleanField(
        required=False,
        label="Send identical files again",
        help_text="Tick only if you mean to resend a file identical to one already sent.",
    )


class DeliveryForm(_OrganizationForm):
    category = forms.ChoiceField(
        label="Kind of document",
        choices=[("", "Choose a kind"), *[(c.value, c.label) for c in DELIVERY_CATEGORIES]],
        error_messages={"required": "Choose what kind of document this is."},
    )


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label="Reason for deleting",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the file's record and in the audit trail.",
        error_messages={"required": "Give the reason for deleting the file."},
    )


class FileFilterForm(forms.Form):
    organization = OrganizationChooserField(
        queryset=Organization.objects.none(),
        required=False,
        label="Organization",
        empty_label="All organizations",
    )
    direction = forms.ChoiceField(
        required=False, label="Direction", choices=[("", "Both directions"), *Direction.choices]
    )
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Any status"), *Status.choices]
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organizations
