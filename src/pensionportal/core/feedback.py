"""What a page tells the user after an action: the action's own words when it is done, the
refusal's words when it is not (nothing changed), beside the form field it concerns when
the refusal names one (the apps' refusals carry an optional ``field``); a form page shown
again after a POST answers 400."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

T = TypeVar("T")


def refusal_on_form(form: forms.Form, error: Exception) -> None:
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


def attempt(
    request: HttpRequest,
    run: Callable[[], T],
    done: str | Callable[[T], str],
    *,
    refused: type[Exception] | tuple[type[Exception], ...],
) -> T | None:
    """Run an action that needs no form: a success message (``done``, or made from the
    action's result), or the refusal as an error message; the result, or None if refused."""
    try:
        result = run()
    except refused as error:
        messages.error(request, str(error))
        return None
    messages.success(request, done if isinstance(done, str) else done(result))
    return result


def errors_as_messages(request: HttpRequest, form: forms.BaseForm) -> None:
    """A form posted from a page that does not show it (a button form on a detail page):
    each field's errors as an error message, named by the field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(error) for error in errors)
        messages.error(request, f"{label}: {text}" if label else text)


def form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A page with a form: 200 when asked for (GET), 400 when a POST comes back to it (the
    form was invalid or the action refused it; a POST that worked redirects instead)."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)
