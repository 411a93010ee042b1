"""The online form of a spec: a Django form whose fields, widgets and checks come from the
`FormSpec` (the same parser and rules as everywhere else: `spec.parse`, `spec.validate`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from .spec import FormField, FormSpec, Invalid, Kind, Party, Value, parse, serialise, validate

_INPUT_MODE = {
    Kind.MONEY: "decimal",
    Kind.DECIMAL: "decimal",
    Kind.INTEGER: "numeric",
    Kind.PHONE: "tel",
    Kind.SIN: "numeric",
}


def _django_field(spec_field: FormField) -> forms.Field:
    required = spec_field.required and spec_field.required_when is None
    common: dict[str, Any] = {
        "label": spec_field.label,
        "help_text": spec_field.help,
        "required": False,
    }
    if spec_field.kind is Kind.CONFIRM:
        field: forms.Field = forms.BooleanField(**common)
    elif spec_field.kind is Kind.CHOICE:
        field = forms.ChoiceField(choices=[("", "Choose…"), *spec_field.choices], **common)
    elif spec_field.kind is Kind.LONG_TEXT:
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
    elif spec_field.kind is Kind.DATE:
        field = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    elif spec_field.kind is Kind.EMAIL:
        field = forms.CharField(widget=forms.EmailInput(attrs={"autocomplete": "email"}), **common)
    else:
        attrs: dict[str, str] = {}
        if spec_field.kind in _INPUT_MODE:
            attrs["inputmode"] = _INPUT_MODE[spec_field.kind]
        if spec_field.kind is Kind.SIN:
            attrs["autocomplete"] = "off"
        field = forms.CharField(widget=forms.TextInput(attrs=attrs), **common)
    # The "(required)" mark; emptiness is judged by the spec (with its own message).
    field.show_required = required  # type: ignore[attr-defined]
    return field


class SpecForm(forms.Form):
    """A form for some of a spec's fields (one party's part, a declaration)."""

    def __init__(
        self,
        spec: FormSpec,
        keys: Iterable[str],
        *,
        parties: tuple[Party, ...],
        others: Mapping[str, Value] | None = None,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data=data, initial=dict(initial or {}), prefix=prefix)
        self.spec = spec
        self.parties = parties
        self.others = dict(others or {})
        self.keys = list(keys)
        for key in self.keys:
            self.fields[key] = _django_field(spec.field(key))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed: dict[str, Value] = {}
        for key in self.keys:
            spec_field = self.spec.field(key)
            raw = self.data.get(self.add_prefix(key), "")
            if spec_field.kind is Kind.CONFIRM:
                raw = "on" if cleaned.get(key) else ""
            try:
                typed[key] = parse(spec_field, str(raw))
            except Invalid as error:
                self.add_error(key, str(error))
        merged = {**self.others, **typed}
        for key, messages in validate(self.spec, merged, self.parties).items():
            if key in self.fields and key not in self.errors:
                for message in messages:
                    self.add_error(key, message)
        self.typed = typed
        return cleaned

    def attach(self, errors: Mapping[str, list[str]]) -> None:
        """Problems found after parsing (the intake dry run) beside their fields."""
        for key, messages in errors.items():
            target = key if key in self.fields else None
            for message in messages:
                self.add_error(target, message)


def initial_from(spec: FormSpec, stored: Mapping[str, object]) -> dict[str, Any]:
    """Stored JSON values as the form's initial text."""
    out: dict[str, Any] = {}
    for spec_field in spec.fields:
        value = stored.get(spec_field.key)
        if value is None:
            continue
        out[spec_field.key] = bool(value) if spec_field.kind is Kind.CONFIRM else value
    return out


__all__ = ["SpecForm", "initial_from", "serialise"]
