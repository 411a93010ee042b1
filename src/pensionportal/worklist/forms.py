from __future__ import annotations

from django import forms
from django.utils import timezone


class DoneForm(forms.Form):
    on = forms.DateField(
        label="Date done",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )
    note = forms.CharField(label="What was done", max_length=300)
