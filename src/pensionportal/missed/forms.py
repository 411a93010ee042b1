"""The election form: staff record a member's written 1025 or 1030 election."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from .actions import ElectionInput
from .models import CHOICES_FOR_FORM, ElectionChoice, ElectionForm

DATE = forms.DateInput(attrs={"type": "date"})


class ElectionEntryForm(forms.Form):
    form = forms.ChoiceField(label="Form", choices=ElectionForm.choices)
    choice = forms.ChoiceField(label="The member's election", choices=ElectionChoice.choices)
    applies_from = forms.DateField(label="First day of the leave or arrangement", widget=DATE)
    applies_to = forms.DateField(
        label="Last day of the leave or arrangement (if known)", required=False, widget=DATE
    )
    received_date = forms.DateField(label="Date the administrator received the form", widget=DATE)
    sub_allowance_from = forms.DateField(
        label="SUB allowance: first day (1025 only, where the employer gives one)",
        required=False,
        widget=DATE,
    )
    sub_allowance_to = forms.DateField(label="SUB allowance: last day", required=False, widget=DATE)
    notes = forms.CharField(label="Notes", required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        form, choice = data.get("form"), data.get("choice")
        if form and choice and ElectionChoice(choice) not in CHOICES_FOR_FORM[ElectionForm(form)]:
            self.add_error("choice", "That choice does not belong to this form.")
        start, end = data.get("applies_from"), data.get("applies_to")
        if start and end and end < start:
            self.add_error("applies_to", "The last day cannot be before the first day.")
        sub_from, sub_to = data.get("sub_allowance_from"), data.get("sub_allowance_to")
        if (sub_from is None) != (sub_to is None):
            self.add_error("sub_allowance_to", "Give both days of the SUB-allowance period.")
        elif sub_from and sub_to and sub_to < sub_from:
            self.add_error("sub_allowance_to", "The last day cannot be before the first day.")
        if sub_from and form == ElectionForm.PART_TIME_1030:
            self.add_error("sub_allowance_from", "A SUB allowance belongs on a 1025 form only.")
        return data

    def to_input(self) -> ElectionInput:
        d = self.cleaned_data
        return ElectionInput(
            form=d["form"],
            choice=d["choice"],
            applies_from=d["applies_from"],
            applies_to=d.get("applies_to"),
            received_date=d["received_date"],
            sub_allowance_from=d.get("sub_allowance_from"),
            sub_allowance_to=d.get("sub_allowance_to"),
            notes=d.get("notes") or "",
        )


class BridgingForm(forms.Form):
    start_date = forms.DateField(label="First day of the bridging leave with pay", widget=DATE)
    end_date = forms.DateField(label="Last day of the bridging leave", widget=DATE)
    notes = forms.CharField(label="Notes", required=False, max_length=300)


class WrongPlanForm(forms.Form):
    other_plan = forms.CharField(
        label="Plan the contributions were remitted to",
        max_length=120,
        help_text="For example: Ontario Pension Board (Public Service Pension Plan).",
    )
    period_start = forms.DateField(label="First day of the period", widget=DATE)
    period_end = forms.DateField(label="Last day of the period", widget=DATE)
    amount_found = forms.DecimalField(
        label="Amount found at that plan", min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    found_on = forms.DateField(label="Date found", widget=DATE)
    notes = forms.CharField(label="Notes", required=False, max_length=300)


class TransferReceivedForm(forms.Form):
    received_on = forms.DateField(label="Transfer received on", widget=DATE)
    amount = forms.DecimalField(
        label="Amount received", min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
