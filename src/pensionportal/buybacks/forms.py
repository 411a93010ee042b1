"""Forms: parse and check the shape of input; the rules are checked by the actions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from pensionportal.accounts.chooser import OrganizationChooserField
from pensionportal.accounts.models import Organization

from .models import ApplicationForm, Frequency, LimitKind, PaymentOption, ServiceType, StopReason

DATE = forms.DateInput(attrs={"type": "date"})
STAFF_FORMS = [
    (ApplicationForm.F1036.value, ApplicationForm.F1036.label),
    (
        ApplicationForm.F1030.value,
        ApplicationForm.F1030.label,
    ),
]


def _money(label: str, *, required: bool = True, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
    )


def _interest_rate() -> forms.DecimalField:
    return forms.DecimalField(
        label="Financing interest rate (% a year)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(99),
        max_digits=6,
        decimal_places=3,
    )


def _salary_rate() -> forms.DecimalField:
    return _money(
        "Annual salary rate at that date",
        required=False,
        help_text="Leave empty to use the member's current full-time annual pay rate.",
    )


def _entered_cost() -> forms.DecimalField:
    return _money(
        "Member cost (actuarial or Select quotes only)",
        required=False,
        help_text="Only when the cost is not given by the plan's formula.",
    )


class _ForOrganizations(forms.Form):
    """A form whose ``organization`` is chosen among the organizations the view passes (a
    searchable chooser when there are many: accounts.chooser)."""

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationChooserField)
        field.queryset = organizations


class ApplicationEntryForm(_ForOrganizations):
    organization = OrganizationChooserField(label="Organization")
    employee_id = forms.CharField(label="Employee ID", max_length=30)
    form = forms.ChoiceField(label="Application form", choices=STAFF_FORMS)
    received_date = forms.DateField(label="Date received", widget=DATE)
    service_type = forms.ChoiceField(label="Service bought back", choices=ServiceType.choices)
    service_start = forms.DateField(label="Period start", widget=DATE)
    service_end = forms.DateField(label="Period end (last day)", widget=DATE)
    share = forms.DecimalField(
        label="Share of full-time service bought back",
        initial=Decimal(1),
        min_value=Decimal("0.0001"),
        max_value=Decimal(1),
        max_digits=5,
        decimal_places=4,
        help_text="1 for a leave or prior service; for an arrangement, 1 minus the ratio worked "
        "(0.4 when the member worked 60%).",
    )
    limit_kind = forms.ChoiceField(
        label="Income Tax Act limit (leaves and arrangements)",
        choices=LimitKind.choices,
        initial=LimitKind.GENERAL,
    )
    reduced_hours_elected = forms.BooleanField(
        label="The member elected to contribute on reduced hours (form 1030)", required=False
    )
    notes = forms.CharField(label="Notes", required=False, max_length=500)


class QuoteForm(forms.Form):
    complete_date = forms.DateField(label="Complete application received", widget=DATE)
    salary_rate = _salary_rate()
    entered_cost = _entered_cost()
    interest_rate = _interest_rate()
    quote_date = forms.DateField(label="Quote date", widget=DATE, required=False)


class AgreementForm(forms.Form):
    agreement_date = forms.DateField(label="Signed agreement received", widget=DATE)
    option = forms.ChoiceField(label="Payment option", choices=PaymentOption.choices)
    lump_sum = _money("Lump sum (combined option)", required=False)
    interest_rate = _interest_rate()
    frequency = forms.ChoiceField(
        label="Pay frequency", choices=Frequency.choices, initial=Frequency.BIWEEKLY
    )
    payment = _money("Member deduction per pay", required=False)
    first_deduction = forms.DateField(label="First deduction pay date", widget=DATE, required=False)


class LumpSumForm(forms.Form):
    received_date = forms.DateField(label="Payment received", widget=DATE)
    amount = _money("Amount")


class ReissueForm(forms.Form):
    quote_date = forms.DateField(label="New quote date (the cost is as of this date)", widget=DATE)
    salary_rate = _salary_rate()
    entered_cost = _entered_cost()
    interest_rate = _interest_rate()


class ChangeDeductionForm(forms.Form):
    requested_on = forms.DateField(label="Date the member asked for the change", widget=DATE)
    payment = _money("New member deduction per pay")
    effective_from = forms.DateField(
        label="From pay date", widget=DATE, help_text="One of the scheduled pay dates."
    )
    reason = forms.CharField(label="Note", max_length=300, required=False)


class TaxYearForm(forms.Form):
    year = forms.IntegerField(label="Tax year", min_value=1990, max_value=2100)


class StopForm(forms.Form):
    reason = forms.ChoiceField(label="Reason", choices=StopReason.choices)
    on = forms.DateField(label="Effective date", widget=DATE)


class DeductionFileForm(_ForOrganizations):
    organization = OrganizationChooserField(label="Employer")
    pay_date = forms.DateField(label="Pay date", widget=DATE)


class DeductionFileSettingForm(_ForOrganizations):
    organization = OrganizationChooserField(label="Employer")
    enabled = forms.BooleanField(label="Takes a deduction file each pay", required=False)


class ProblemReportForm(_ForOrganizations):
    organization = OrganizationChooserField(label="Organization")
    file = forms.FileField(label="Problem report (CSV)")


def percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / 100
