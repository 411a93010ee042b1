"""The staff queue and the employer's to-do page: views parse input, call one action or
query, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability, acting_staff
from pensionportal.accounts.sections import Audience as Seen
from pensionportal.accounts.sections import section
from pensionportal.core.feedback import attempt, errors_as_messages

from . import actions, queries
from .forms import DoneForm
from .models import Audience


@section(None, audience=Seen.STAFF)
def staff_queue(request: HttpRequest) -> HttpResponse:
    access.require_staff_member(request.user)
    today = timezone.localdate()
    kind = request.GET.get("kind", "")
    org = request.GET.get("organization", "")
    organization_id = int(org) if org.isdigit() else None
    overdue = request.GET.get("overdue") == "1"
    rows = queries.staff_queue(
        request.user, today, kind=kind, organization_id=organization_id, overdue_only=overdue
    )
    return render(
        request,
        "worklist/staff.html",
        {
            "rows": rows,
            "kinds": queries.staff_kinds(),
            "kind": kind,
            "organizations": queries.staff_employers(request.user),
            "organization_id": organization_id,
            "overdue": overdue,
            "today": today,
            "form": DoneForm(),
        },
    )


@section(None, audience=Seen.STAFF)
@require_POST
def mark_done(request: HttpRequest, task_id: int) -> HttpResponse:
    staff = acting_staff(request)
    task = queries.access_staff_task(staff, task_id)
    form = DoneForm(request.POST)
    if not form.is_valid():
        errors_as_messages(request, form)
        return redirect("worklist:staff")
    data = form.cleaned_data
    attempt(
        request,
        lambda: actions.mark_done(staff, task, data["on"], data["note"], request),
        f"Done: {task.title}",
        refused=actions.WorklistError,
    )
    return redirect("worklist:staff")


@section(Capability.FILES, Capability.REMITTANCES)
def employer_index(request: HttpRequest) -> HttpResponse:
    organizations = list(queries.employer_organizations(request.user).order_by("name"))
    if len(organizations) == 1 and not access.is_staff_user(request.user):
        return redirect("worklist:employer", organizations[0].pk)
    return render(request, "worklist/choose.html", {"organizations": organizations})


@section(Capability.FILES, Capability.REMITTANCES)
def employer_todos(request: HttpRequest, org_id: int) -> HttpResponse:
    today = timezone.localdate()
    organization = queries.employer_organization(request.user, org_id)
    rows = queries.employer_todos(request.user, organization.pk, today)
    return render(
        request,
        "worklist/employer.html",
        {
            "organization": organization,
            "rows": rows,
            "closed": queries.recently_closed(organization, Audience.EMPLOYER),
            "today": today,
        },
    )
