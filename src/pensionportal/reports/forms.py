from __future__ import annotations

from typing import Any

from django import forms

from pensionportal.accounts.chooser import OrganizationChooserField
from pensionportal.accounts.models import Organization, OrganizationKind

from .models import ReportKind


class PublishForm(forms.Form):
    organization = OrganizationChooserField(
        queryset=Organization.objects.filter(kind=OrganizationKind.EMPLOYER, is_active=True),
        label="Employer",
        empty_label="Choose an employer",
        error_messages={"required": "Choose the employer the report is for."},
    )
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of report", choices=ReportKind.choices)
    period = forms.CharField(
        label="Period", max_length=60, required=False, help_text="For example: January 2026."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = ReportKind.MISSED_MANDATORY_CONTRIBUTIONS
