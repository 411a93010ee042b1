from __future__ import annotations

from django import forms

from .actions import DEFAULT_RATE, MAX_RATE, MIN_RATE
from .models import Scope


class ClientForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the client is, e.g. the payroll system's name: shown in the audit trail.",
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Give it only what it needs.",
    )
    allowed_networks = forms.CharField(
        label="Allowed addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One IP address or network (e.g. 203.0.113.0/24) a line. Leave empty to "
        "allow any address.",
    )
    expires_on = forms.DateField(
        label="Expires on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional (YYYY-MM-DD). From that day its tokens are refused.",
    )
    rate_limit_per_minute = forms.IntegerField(
        label="Calls a minute",
        min_value=MIN_RATE,
        max_value=MAX_RATE,
        initial=DEFAULT_RATE,
        help_text=f"More calls than this in one minute are refused until the minute ends "
        f"({MIN_RATE} to {MAX_RATE}).",
    )


class KeyForm(forms.Form):
    label = forms.CharField(
        label="Label",
        max_length=100,
        required=False,
        help_text="Which system or person holds the key, e.g. 'Payroll server'.",
    )
    public_key = forms.CharField(
        label="Public key",
        max_length=16384,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "autocomplete": "off"}),
        help_text="The one line of the .pub file, starting with ssh-ed25519 (or ssh-rsa, "
        "ecdsa-sha2-nistp256). Never paste the private key.",
    )


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="Yes, do it", required=True)
