"""What an online entry form needs, from the same specs: fields with labels, help, input
types, choices and required/conditional rules. The Django side turns a :class:`FormSpec`
into forms; entries are then read with :func:`pensionportal.datafiles.read_records` and
validated exactly like a file, so the rules live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from pensionportal.datafiles.fields import Condition, Field, Kind, TemplateSpec
from pensionportal.datafiles.specs import SPECS

INPUT_TYPES = {
    Kind.DATE: "date",
    Kind.MONEY: "number",
    Kind.HOURS: "number",
    Kind.RATIO: "number",
    Kind.WHOLE_DOLLARS: "number",
    Kind.YEAR: "number",
    Kind.EMAIL: "email",
    Kind.PHONE: "tel",
    Kind.CODE: "select",
}
PATTERNS = {
    Kind.SIN: r"\d{3} ?\d{3} ?\d{3}",
    Kind.POSTAL_CODE: r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d",
    Kind.PROVINCE: r"[A-Za-z]{2}",
    Kind.COUNTRY: r"[A-Za-z]{3}",
    Kind.PHONE: r"\d{10}",
    Kind.EMPLOYEE_ID: r"[A-Za-z0-9][A-Za-z0-9._/\-]*",
    Kind.YEAR: r"\d{4}",
}


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    help_text: str
    kind: Kind
    input_type: str
    """HTML input type: text, date, number, email, tel or select."""
    required: bool
    required_when: str | None
    """In words, e.g. "Employment Type is FT or PT"; evaluate with ``condition``."""
    condition: Condition | None
    choices: tuple[tuple[str, str], ...]
    max_length: int | None
    min_value: str | None
    max_value: str | None
    step: str | None
    pattern: str | None
    sensitive: bool
    reference_only: bool


@dataclass(frozen=True)
class FormSpec:
    code: str
    title: str
    description: str
    header_fields: tuple[FormField, ...]
    fields: tuple[FormField, ...]
    online_transmission: bool


def _step(field: Field) -> str | None:
    if field.kind in (Kind.YEAR, Kind.WHOLE_DOLLARS):
        return "1"
    if field.decimals is not None:
        return "0." + "0" * (field.decimals - 1) + "1" if field.decimals else "1"
    return None


def form_field(field: Field, spec: TemplateSpec) -> FormField:
    return FormField(
        key=field.key,
        label=field.label,
        help_text=field.description,
        kind=field.kind,
        input_type=INPUT_TYPES.get(field.kind, "text"),
        required=field.required,
        required_when=field.required_when.describe(spec.label) if field.required_when else None,
        condition=field.required_when,
        choices=tuple((c.code, f"{c.code} - {c.meaning}") for c in field.choices),
        max_length=field.max_length,
        min_value=None if field.minimum is None else str(field.minimum),
        max_value=None if field.maximum is None else str(field.maximum),
        step=_step(field),
        pattern=PATTERNS.get(field.kind),
        sensitive=field.sensitive,
        reference_only=field.reference_only,
    )


def form_spec(code: str) -> FormSpec:
    spec = SPECS[code]
    return FormSpec(
        code=spec.code,
        title=spec.title,
        description=spec.description,
        header_fields=tuple(form_field(f, spec) for f in spec.header_fields),
        fields=tuple(form_field(f, spec) for f in spec.fields),
        online_transmission=spec.online_transmission,
    )
