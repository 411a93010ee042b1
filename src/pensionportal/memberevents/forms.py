from __future__ import annotations

from django import forms

DATE = forms.DateInput(attrs={"type": "date"})


class RetirementNoticeForm(forms.Form):
    received_on = forms.DateField(label="Notice of intent received on", widget=DATE)
    retirement_date = forms.DateField(label="Retirement date", widget=DATE)
    notes = forms.CharField(label="Notes", required=False, max_length=300)


class PaArrangementForm(forms.Form):
    employer_calculates = forms.BooleanField(
        label="The employer calculates its own PAs and sends the PA file", required=False
    )
