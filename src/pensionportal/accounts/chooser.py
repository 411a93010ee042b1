"""A searchable organization chooser (issue 18, "Must do" 3): a page must not grow with the
number of employers, so a staff form never renders a 1,000-option dropdown.

`OrganizationChooserField` is a `ModelChoiceField` (its cleaned value is an Organization of
its queryset, so access stays the view's queryset's). With a handful of organizations (an
employer's users) it is the usual select. With more it is a text box with a `<datalist>`:
the browser's own combobox, keyboard usable and announced by screen readers, filled while
typing by portal.js from `/organizations/search/` (at most 20 names). Without JavaScript the
clerk types the name, or its first letters; a start shared by several organizations is
refused with the matching names listed, so the choice is never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html

from pensionportal.core.query_filters import QueryFilters

from .models import Organization

# Up to this many organizations the field is a select; beyond it, the searchable text box.
SELECT_UP_TO = 15
LISTED_MATCHES = 10


class OrganizationSearchInput(forms.TextInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"autocomplete": "off", "spellcheck": "false", "class": "org-chooser"}
        super().__init__({**base, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["list"] = f"{widget_attrs.get('id') or name}-options"
        widget_attrs["data-org-search"] = reverse("accounts:organization_search")
        return context

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> Any:
        html = super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}-options"
        return format_html('{}<datalist id="{}"></datalist>', html, list_id)


class OrganizationChooserField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, queryset: QuerySet[Organization] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "")
        super().__init__(
            queryset if queryset is not None else Organization.objects.none(), **kwargs
        )

    def _set_queryset(self, queryset: Any) -> None:
        super()._set_queryset(queryset)  # type: ignore[misc]
        self._searchable: bool | None = None  # decided when first needed: no query at import

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)  # type: ignore

    @property
    def searchable(self) -> bool:
        if self._searchable is None:
            self._searchable = self.queryset.count() > SELECT_UP_TO
            if self._searchable:
                self.widget = OrganizationSearchInput(attrs=dict(self.widget.attrs))
                if not self.help_text:
                    self.help_text = "Type the name or its first letters, then pick a suggestion."
        return self._searchable

    def get_bound_field(self, form: forms.BaseForm, field_name: str) -> forms.BoundField:
        _ = self.searchable  # the widget must be chosen before the field is rendered
        return super().get_bound_field(form, field_name)

    def prepare_value(self, value: Any) -> Any:
        if not self.searchable:
            return super().prepare_value(value)
        if isinstance(value, Organization):
            return value.name
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found = self.queryset.filter(pk=int(value)).values_list("name", flat=True).first()
            return found or ""
        return value

    def to_python(self, value: Any) -> Organization | None:
        if not self.searchable:
            return super().to_python(value)
        text = str(value or "").strip()
        if not text:
            return None
        return resolve(self.queryset, text)


def resolve(queryset: QuerySet[Organization], text: str) -> Organization:
    """The one organization of `queryset` named `text` (any case), or whose name starts with
    it; a link's `?organization=<id>` is an id. Anything else is refused, saying why."""
    if text.isdigit():
        by_id = queryset.filter(pk=int(text)).first()
        if by_id is not None:
            return by_id
    exact = list(queryset.filter(name__iexact=text)[:2])
    if len(exact) == 1:
        return exact[0]
    starting = list(queryset.filter(name__istartswith=text).order_by("name")[: LISTED_MATCHES + 1])
    if len(starting) == 1:
        return starting[0]
    if not starting:
        raise ValidationError(
            f"No organization is named “{text[:100]}”. Check the spelling, or type the "
            "first letters of the name and pick one of the suggestions.",
            code="invalid_choice",
        )
    names = ", ".join(org.name for org in starting[:LISTED_MATCHES])
    more = " and others" if len(starting) > LISTED_MATCHES else ""
    raise ValidationError(
        f"Several organizations start with “{text[:100]}”: {names}{more}. Type more of the name.",
        code="ambiguous",
    )


def search(queryset: QuerySet[Organization], text: str, limit: int = 20) -> list[str]:
    """Names for the chooser's suggestions: those starting with `text` first, then those
    containing it."""
    text = text.strip()[:100]
    if not text:
        return []
    starting = list(
        queryset.filter(name__istartswith=text)
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )
    if len(starting) < limit:
        starting += list(
            queryset.filter(name__icontains=text)
            .exclude(name__istartswith=text)
            .order_by("name")
            .values_list("name", flat=True)[: limit - len(starting)]
        )
    return starting


@dataclass(frozen=True)
class OrganizationFilter:
    """A list page's organization filter (template core/organization_filter.html)."""

    chosen: Organization | None
    typed: str
    # A handful of organizations (an employer's user): a select of them; None: the search box.
    options: list[Organization] | None

    @property
    def chosen_id(self) -> int | None:
        return self.chosen.pk if self.chosen is not None else None


def organization_filter(
    found: QueryFilters,
    queryset: QuerySet[Organization],
    name: str = "organization",
    label: str = "Organization",
) -> OrganizationFilter:
    """Reads `?organization=` (an id from a link or a select, or a name typed into the search
    box) against the organizations the user may filter by; a value that names none of them
    is ignored and said, as every list filter does. Two queries at most, whatever the
    number of organizations."""
    typed = found.text(name)[:200]
    chosen = None
    if typed:
        try:
            chosen = resolve(queryset, typed)
        except ValidationError as error:
            if error.code == "invalid_choice":
                found.errors.append(
                    f"{label}: “{typed[:100]}” is not one of the choices (no organization has "
                    "that name); showing all."
                )
            else:
                found.errors.append(f"{label}: {' '.join(error.messages)} Showing all.")
    first = list(queryset.order_by("name")[: SELECT_UP_TO + 1])
    return OrganizationFilter(chosen, typed, first if len(first) <= SELECT_UP_TO else None)
