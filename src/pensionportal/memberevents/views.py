"""The notice of intent to retire (employer and staff) and an employer's member-event page
(staff): views parse input, call one action, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import Audience as Seen
from pensionportal.accounts.sections import section
from pensionportal.members.access import access_member
from pensionportal.worklist.models import Audience
from pensionportal.worklist.queries import open_tasks_of

from . import actions
from .access import pa_arrangement_of
from .forms import PaArrangementForm, RetirementNoticeForm


@section(Capability.MEMBERS)
@require_http_methods(["GET", "POST"])
def retirement_notice(request: HttpRequest, member_id: int) -> HttpResponse:
    member = access_member(request.user, member_id)
    assert isinstance(request.user, User)
    form = RetirementNoticeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                notice = actions.record_retirement_notice(
                    request.user,
                    member,
                    received_on=form.cleaned_data["received_on"],
                    retirement_date=form.cleaned_data["retirement_date"],
                    notes=form.cleaned_data["notes"],
                    request=request,
                )
            except actions.EventError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Notice of intent to retire recorded ({notice.get_timing_display().lower()}).",
                )
                return redirect("members:detail", member.pk)
        status = 400
    return render(
        request, "memberevents/retirement.html", {"form": form, "member": member}, status=status
    )


@section(Capability.FILES, audience=Seen.STAFF)
@require_http_methods(["GET", "POST"])
def employer(request: HttpRequest, org_id: int) -> HttpResponse:
    access.require_staff(request.user, Capability.FILES)
    assert isinstance(request.user, User)
    organization = access.access_organization(request.user, org_id, Capability.FILES)
    arrangement = pa_arrangement_of(request.user, organization)
    form = PaArrangementForm(
        request.POST or None,
        initial={"employer_calculates": bool(arrangement and arrangement.employer_calculates)},
    )
    if request.method == "POST" and form.is_valid():
        actions.set_pa_arrangement(
            request.user, organization, form.cleaned_data["employer_calculates"], request
        )
        messages.success(request, "Pension adjustment arrangement saved.")
        return redirect("memberevents:employer", organization.pk)
    today = timezone.localdate()
    tasks = open_tasks_of(request.user, organization)
    return render(
        request,
        "memberevents/employer.html",
        {
            "organization": organization,
            "form": form,
            "staff_tasks": [t for t in tasks if t.audience == Audience.STAFF],
            "employer_tasks": [t for t in tasks if t.audience == Audience.EMPLOYER],
            "today": today,
        },
    )
