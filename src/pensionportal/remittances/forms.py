from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from .actions import RecoveryLine
from .categories import CATEGORIES
from .models import LineKind, PaymentMethod, RateTable

MONEY = {"max_digits": 14, "decimal_places": 2}


def _not_future(day: dt.date) -> None:
    if day > timezone.localdate():
        raise forms.ValidationError("This date must not be in the future.")


class AdviceForm(forms.Form):
    pay_date = forms.DateField(
        label="Pay date (the date contributions were deducted)", help_text="YYYY-MM-DD"
    )
    period_start = forms.DateField(label="Pay period start date", help_text="YYYY-MM-DD")
    period_end = forms.DateField(label="Pay period end date", help_text="YYYY-MM-DD")
    payment_reference = forms.CharField(label="Payment reference number", max_length=50)
    payment_method = forms.ChoiceField(
        label="Payment method", choices=PaymentMethod.choices, help_text="Cheques are not accepted."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in CATEGORIES:
            self.fields[key] = forms.DecimalField(
                label=label,
                min_value=Decimal(0),
                initial=Decimal("0.00"),
                **MONEY,  # type: ignore[arg-type]
            )
        self.fields["other_description"] = forms.CharField(
            label="Description of Other",
            max_length=200,
            required=False,
            help_text="Required when Other is more than zero.",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after its start.")
        if data.get("other") and not (data.get("other_description") or "").strip():
            self.add_error("other_description", "Say what the Other amount is for.")
        if all(key in data for key, _ in CATEGORIES) and sum(data[k] for k, _ in CATEGORIES) <= 0:
            self.add_error(
                None, "Allocate the payment: at least one category must be more than zero."
            )
        return data


class PaymentForm(forms.Form):
    received_on = forms.DateField(
        label="Date received", help_text="YYYY-MM-DD", validators=[_not_future]
    )
    amount = forms.DecimalField(label="Amount", min_value=Decimal("0.01"), **MONEY)  # type: ignore[arg-type]
    reference = forms.CharField(label="Payment reference number", max_length=50)
    method = forms.ChoiceField(label="Payment method", choices=PaymentMethod.choices)
    notes = forms.CharField(label="Notes", max_length=300, required=False)


class BankFileForm(forms.Form):
    file = forms.FileField(label="Bank deposit file (CSV: date, amount, reference)")


RECOVERY_LINES = 3
RECOVERY_CHOICES = [
    ("", "(none)"),
    (LineKind.RECOVERY_FEE.value, "Fee"),
    (LineKind.RECOVERY_EXPENSE.value, "Expense"),
]


class RecoveryLinesForm(forms.Form):
    """Up to three fees or expenses of recovering the contributions, each its own line
    (remittance-timing.txt 'Late Remittance')."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, RECOVERY_LINES + 1):
            self.fields[f"recovery_kind_{n}"] = forms.ChoiceField(
                label=f"Recovery cost {n}: fee or expense", choices=RECOVERY_CHOICES, required=False
            )
            self.fields[f"recovery_description_{n}"] = forms.CharField(
                label=f"Recovery cost {n}: description", max_length=200, required=False
            )
            self.fields[f"recovery_amount_{n}"] = forms.DecimalField(
                label=f"Recovery cost {n}: amount",
                min_value=Decimal("0.01"),
                required=False,
                **MONEY,  # type: ignore[arg-type]
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, RECOVERY_LINES + 1):
            kind = data.get(f"recovery_kind_{n}")
            text = (data.get(f"recovery_description_{n}") or "").strip()
            amount = data.get(f"recovery_amount_{n}")
            given = [bool(kind), bool(text), amount is not None]
            if any(given) and not all(given):
                self.add_error(
                    f"recovery_kind_{n}",
                    f"Recovery cost {n}: give whether it is a fee or an expense, a description "
                    "and an amount, or leave all three empty.",
                )
        return data

    def recovery_lines(self) -> list[RecoveryLine]:
        lines = []
        for n in range(1, RECOVERY_LINES + 1):
            kind = self.cleaned_data.get(f"recovery_kind_{n}")
            amount = self.cleaned_data.get(f"recovery_amount_{n}")
            if kind and amount is not None:
                lines.append(
                    RecoveryLine(
                        LineKind(kind), self.cleaned_data[f"recovery_description_{n}"], amount
                    )
                )
        return lines


class InvoiceForm(RecoveryLinesForm):
    invoice_date = forms.DateField(label="Invoice date", help_text="YYYY-MM-DD")

    field_order = ["invoice_date"]


class RecoveryInvoiceForm(RecoveryLinesForm):
    invoice_date = forms.DateField(label="Invoice date", help_text="YYYY-MM-DD")

    field_order = ["invoice_date"]


class NoticeReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("reviewed", "Checked: ready to file with the regulator"),
            ("withdraw", "Withdraw: the contributions were in fact paid when due"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Note (required to withdraw)", max_length=500, required=False)


class NoticeFilingForm(forms.Form):
    filed_on = forms.DateField(
        label="Filed with the regulator on", help_text="YYYY-MM-DD", validators=[_not_future]
    )
    reference = forms.CharField(
        label="Regulator's reference or confirmation number (optional)",
        max_length=60,
        required=False,
    )


class RecalculateForm(forms.Form):
    on = forms.DateField(label="Recalculate as of", help_text="YYYY-MM-DD")


class CaseForm(forms.Form):
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )


class RateForm(forms.Form):
    table = forms.ChoiceField(label="Table", choices=RateTable.choices)
    effective = forms.DateField(label="Effective date (first day in force)", help_text="YYYY-MM-DD")
    until = forms.DateField(
        label="Last day in force (optional, for quarterly rates)",
        required=False,
        help_text="YYYY-MM-DD",
    )
    percent = forms.DecimalField(
        label="Rate, per cent a year",
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=7,
        decimal_places=4,
    )
    source = forms.CharField(label="Source or notes", max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("until") and data.get("effective") and data["until"] < data["effective"]:
            self.add_error("until", "The last day must be on or after the effective date.")
        return data


class CreditForm(forms.Form):
    credited_on = forms.DateField(label="Date", help_text="YYYY-MM-DD")
    amount = forms.DecimalField(label="Amount", min_value=Decimal("0.01"), **MONEY)  # type: ignore[arg-type]
    reason = forms.CharField(label="Reason", max_length=300)
