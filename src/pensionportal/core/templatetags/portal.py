"""Template filters: `{% load portal %}` then `{{ amount|money }}`, `{{ rate|rate }}`,
`{{ day|isodate }}`, `{{ moment|when }}`, `{{ start|period:end }}`, `{{ years|decimal:4 }}`.

Every figure a page shows goes through `pensionportal.presentation.formatting` (Babel, the
active language's locale), the same functions the PDF and spreadsheet writers use. Dates come
out in a `<time>` element that never wraps inside a table cell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pensionportal.presentation import formatting
from pensionportal.rules import parameters

register = template.Library()


def _locale() -> str:
    return translation.to_locale(translation.get_language() or "en-ca")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, "")


@register.filter
def sentence(value: Any) -> str:
    """End a sentence with a name: "Demo Employer Ltd." gets no second full stop."""
    text = str(value)
    return text if text.endswith((".", "!", "?")) else f"{text}."


@register.filter
def money(value: Any) -> str:
    """`$1,890.00`, `-$100.00`; "" for a missing amount (use `|default:"…"`)."""
    return formatting.money(value, _locale())


@register.filter
def rate(value: Any, places: int = 3) -> str:
    """A rate kept as a fraction, in per cent: 0.025 -> `2.500%`."""
    return formatting.rate(value, int(places), _locale())


@register.filter
def decimal(value: Any, places: int = 2) -> str:
    return formatting.decimal(value, int(places), _locale())


def _time(machine: str, shown: str) -> SafeString:
    return format_html('<time class="date" datetime="{}">{}</time>', machine, shown)


@register.filter
def isodate(value: Any) -> str:
    """`2026-11-06` in a `<time>` element (no wrap); "" when there is no date."""
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return _time(value.isoformat(), value.isoformat())


@register.filter
def when(value: Any) -> str:
    """A moment in local time: `2026-11-06 10:00`."""
    if not isinstance(value, dt.datetime):
        return isodate(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return _time(local.isoformat(timespec="minutes"), local.strftime("%Y-%m-%d %H:%M"))


@register.filter
def period(start: Any, end: Any) -> str:
    """`2026-10-11 to 2026-10-24`."""
    if not isinstance(start, dt.date) and not isinstance(end, dt.date):
        return ""
    return format_html("{} to {}", isodate(start), isodate(end))


@register.simple_tag
def parameter(name: str, on: dt.date | None = None) -> object:
    """The value of a dated parameter in force on `on` (today when not given):
    `{% parameter "missed_mandatory_member_days" case.invoice_date %} days`. Pages state a
    rule's number this way, never written in the template (tests/architecture)."""
    day = on or timezone.localdate()
    value = parameters.load(name).entry_at(day).value
    if isinstance(value, dt.date):
        return formatting.iso_date(value)
    places = max(0, -int(value.normalize().as_tuple().exponent))
    return formatting.decimal(value, places, _locale())
