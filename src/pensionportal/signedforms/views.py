"""Forms and Publications: the plan's forms online and as blank PDFs, the employer's forms,
signing, and the member's signing pages (reached by link, without a portal account).

Views parse input, call one action (`actions.py`), render. Every tenant lookup goes through
`access.py`; a member's page goes through `actions.open_link` and shows only that form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from pensionportal.accounts import access as account_access
from pensionportal.accounts.access import Capability, acting_user
from pensionportal.accounts.models import User
from pensionportal.accounts.sections import section as portal_section
from pensionportal.audit.record import record
from pensionportal.core.issuer import issuer
from pensionportal.core.query_filters import QueryFilters
from pensionportal.files import store as files
from pensionportal.files.serving import serve_file
from pensionportal.members.access import member_by_employee_id
from pensionportal.members.models import Member

from . import actions, checks, effects, pades, rendering
from .access import (
    access_form,
    earnings_for,
    employer_organizations,
    may_act_for_employer,
    visible_forms,
    waivers_for,
)
from .definitions import FORMS
from .models import SignedForm, SigningLink, Status
from .spec import FormSpec, Kind, Party, Section, typed
from .web import SpecForm, initial_from


def _spec(code: str) -> FormSpec:
    spec = FORMS.get(code)
    if spec is None:
        raise Http404("No such form.")
    return spec


# -- Forms and Publications -----------------------------------------------------------------


@portal_section(Capability.FILES)
def index(request: HttpRequest) -> HttpResponse:
    query = visible_forms(request.user).select_related("organization")
    found = QueryFilters(request.GET)
    member = found.text("member")
    if member:
        query = query.filter(
            Q(subject_employee_id__iexact=member) | Q(subject_name__icontains=member)
        )
    status = found.choice("status", "Status", Status.choices)
    if status:
        query = query.filter(status=status)
    code = found.choice("form", "Form", [(c, c) for c in FORMS])
    if code:
        query = query.filter(code=code)
    page = Paginator(query.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    for form in page:
        form.spec = FORMS[form.code]  # type: ignore[attr-defined]
    return render(
        request,
        "signedforms/index.html",
        {
            "catalogue": list(FORMS.values()),
            "page": page,
            "statuses": Status.choices,
            "codes": list(FORMS),
            "filters": {"member": member, "status": status, "form": code},
            "errors": found.errors,
            "can_start": employer_organizations(request.user).exists(),
        },
    )


@portal_section(Capability.FILES)
def blank_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The blank form (no personal data in it), made from its spec on request."""
    spec = _spec(code)
    visible_forms(request.user)  # the section's own permission
    details = issuer()
    content = rendering.blank_pdf(spec, details.name, [details.name, *details.address])
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="OPTrust-{spec.code}-blank.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_section(Capability.FILES)
def about(request: HttpRequest, code: str) -> HttpResponse:
    """What the form is, what each party fills and what completing it does."""
    spec = _spec(code)
    visible_forms(request.user)
    return render(request, "signedforms/about.html", {"spec": spec})


@portal_section(Capability.FILES)
def start(request: HttpRequest, code: str) -> HttpResponse:
    spec = _spec(code)
    visible_forms(request.user)
    organizations = list(employer_organizations(request.user))
    if not organizations:
        raise Http404("Forms are filled by an employer's users.")
    errors: dict[str, str] = {}
    chosen_org = organizations[0]
    employee_id = ""
    if request.method == "POST":
        org_id = request.POST.get("organization", str(chosen_org.pk))
        chosen = [o for o in organizations if str(o.pk) == org_id]
        if not chosen:
            errors["organization"] = "Choose one of your organizations."
        else:
            chosen_org = chosen[0]
        member: Member | None = None
        employee_id = request.POST.get("employee_id", "").strip()
        if spec.needs_member and not errors:
            member = member_by_employee_id(request.user, chosen_org, employee_id)
            if member is None:
                errors["employee_id"] = (
                    f"No member with employee ID {employee_id} at {chosen_org.name}."
                    if employee_id
                    else "Enter the member's employee ID."
                )
        if not errors:
            try:
                form = actions.start_form(acting_user(request), chosen_org, code, member, request)
            except actions.FormError as error:
                errors["employee_id"] = error.message
            else:
                return redirect("signedforms:edit", form.pk)
    return render(
        request,
        "signedforms/start.html",
        {
            "spec": spec,
            "organizations": organizations,
            "chosen": chosen_org,
            "employee_id": employee_id,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# -- one form -------------------------------------------------------------------------------


def _sections(
    spec: FormSpec, stored: dict[str, Any], *, signed_only: bool = False
) -> list[dict[str, Any]]:
    """Sections with their values as text, for the page (`signed_only`: without the
    declarations nobody has ticked yet)."""
    values = typed(spec, stored)
    out = []
    for section in spec.sections:
        rows = []
        for row in section.rows():
            cells = [
                (f, rendering.display(f, values.get(f.key)))
                for f in row
                if not (signed_only and f.kind is Kind.CONFIRM and not values.get(f.key))
            ]
            if not cells:
                continue
            if section.repeat and not any(text for _, text in cells):
                continue
            rows.append(cells)
        out.append({"section": section, "rows": rows})
    return out


def _detail_context(request: HttpRequest, form: SignedForm) -> dict[str, Any]:
    spec = actions.spec_of(form)
    employer = may_act_for_employer(request.user, form)
    values = typed(spec, form.values)
    nxt = actions.next_party(form) if form.is_open else None
    return {
        "form": form,
        "spec": spec,
        "sections": _sections(spec, form.values),
        "signatures": form.signatures.all(),
        "events": form.events.all(),
        "effects": form.effects.all(),
        "is_employer": employer,
        "next_party": nxt.value if nxt else "",
        "member_email": actions.member_email(form) if spec.needs_member_signature else "",
        "rule_checks": checks.part_time_checks(form.member, values) if form.code == "1030" else [],
    }


@portal_section(Capability.FILES)
def detail(request: HttpRequest, form_id: int) -> HttpResponse:
    form = access_form(request.user, form_id)
    context = _detail_context(request, form)
    if form.sealed_file_id is not None and form.sealed_file is not None:
        context["verdict"] = pades.verify(files.read_all(form.sealed_file))
    return render(request, "signedforms/detail.html", context)


@portal_section(Capability.FILES)
def edit(request: HttpRequest, form_id: int) -> HttpResponse:
    form = access_form(request.user, form_id)
    if not may_act_for_employer(request.user, form):
        raise Http404("No such form.")
    if form.status != Status.DRAFT:
        messages.info(request, "Only a draft can be changed.")
        return redirect("signedforms:detail", form.pk)
    spec = actions.spec_of(form)
    keys = actions.employer_fields(spec)
    others = typed(spec, form.values)
    if request.method == "POST":
        web_form = SpecForm(spec, keys, parties=(Party.EMPLOYER,), others=others, data=request.POST)
        if web_form.is_valid():
            try:
                actions.save_draft(acting_user(request), form, web_form.typed, request)
            except actions.FormError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, "Your part of the form is saved.")
                return redirect("signedforms:detail", form.pk)
    else:
        web_form = SpecForm(
            spec,
            keys,
            parties=(Party.EMPLOYER,),
            others=others,
            initial=initial_from(spec, form.values),
        )
    return render(
        request,
        "signedforms/edit.html",
        {
            "form": form,
            "spec": spec,
            "web_form": web_form,
            "groups": _groups(spec, web_form, Party.EMPLOYER, declarations=False),
        },
        status=400 if web_form.is_bound and web_form.errors else 200,
    )


def _groups(
    spec: FormSpec, web_form: SpecForm, party: Party, *, declarations: bool | None
) -> list[dict[str, Any]]:
    """The bound fields of one party, grouped by section (tables for repeated sections)."""
    groups = []
    for section in spec.sections_of(party):
        wanted: list[list[Any]] = []
        for row in section.rows():
            cells = [
                web_form[f.key]
                for f in row
                if f.key in web_form.fields
                and (declarations is None or (f.kind is Kind.CONFIRM) == declarations)
            ]
            if cells:
                wanted.append(cells)
        if wanted:
            groups.append({"section": section, "rows": wanted, "table": bool(section.repeat)})
    return groups


@portal_section(Capability.FILES)
@require_POST
def send(request: HttpRequest, form_id: int) -> HttpResponse:
    form = access_form(request.user, form_id)
    try:
        actions.send_to_member(acting_user(request), form, request)
    except actions.FormError as error:
        messages.error(request, error.message)
        for key, problems in error.errors.items():
            for problem in problems:
                label = actions.spec_of(form).field(key).label if key in _keys(form) else ""
                messages.error(request, f"{label}: {problem}" if label else problem)
        return redirect("signedforms:detail", form.pk)
    messages.success(request, "The signing link was e-mailed to the member.")
    return redirect("signedforms:detail", form.pk)


def _keys(form: SignedForm) -> set[str]:
    return {f.key for f in actions.spec_of(form).fields}


@portal_section(Capability.FILES)
def sign(request: HttpRequest, form_id: int) -> HttpResponse:
    form = access_form(request.user, form_id)
    if not may_act_for_employer(request.user, form):
        raise Http404("No such form.")
    if actions.next_party(form) is not Party.EMPLOYER or not form.is_open:
        messages.info(request, "This form is not waiting for the employer's signature.")
        return redirect("signedforms:detail", form.pk)
    spec = actions.spec_of(form)
    keys = actions.declaration_fields(spec, Party.EMPLOYER)
    others = typed(spec, form.values)
    status = 200
    problems = actions.draft_problems(form)
    dry = effects.dry_run(form, others) if not problems else effects.DryRun()
    web_form = SpecForm(
        spec,
        keys,
        parties=(Party.EMPLOYER,),
        others=others,
        data=request.POST if request.method == "POST" else None,
    )
    code_error = ""
    if request.method == "POST":
        status = 400
        if web_form.is_valid():
            try:
                actions.employer_sign(
                    acting_user(request),
                    form,
                    actions.EmployerSignature(
                        {k: bool(web_form.typed.get(k)) for k in keys},
                        request.POST.get("code", ""),
                    ),
                    request,
                )
            except actions.FormError as error:
                code_error = " ".join(error.errors.pop("code", []))
                web_form.attach({k: v for k, v in error.errors.items() if k in keys})
                problems = {k: v for k, v in error.errors.items() if k not in keys}
                messages.error(request, error.message)
            else:
                messages.success(request, "Signed. " + _after_signing(form))
                return redirect("signedforms:detail", form.pk)
    context = _detail_context(request, form)
    context.update(
        {
            "web_form": web_form,
            "declarations": _groups(spec, web_form, Party.EMPLOYER, declarations=True),
            "problems": _labelled(spec, problems),
            "dry_errors": _labelled(spec, dry.errors),
            "dry_warnings": dry.warnings,
            "code_error": code_error,
            "has_authenticator": _has_totp(acting_user(request)),
        }
    )
    return render(request, "signedforms/sign.html", context, status=status)


def _has_totp(user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def _labelled(spec: FormSpec, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    keys = {f.key: f.label for f in spec.fields}
    return [(keys.get(k, "The form"), m) for k, ms in errors.items() for m in ms]


def _after_signing(form: SignedForm) -> str:
    form.refresh_from_db()
    if form.status == Status.AWAITING_MEMBER:
        return "The signing link was e-mailed to the member."
    if form.status == Status.COMPLETED:
        return "The form is complete and sealed."
    return ""


@portal_section(Capability.FILES)
@require_POST
def remind(request: HttpRequest, form_id: int) -> HttpResponse:
    form = access_form(request.user, form_id)
    try:
        said = actions.remind(acting_user(request), form, request)
    except actions.FormError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, said)
    return redirect("signedforms:detail", form.pk)


@portal_section(Capability.FILES)
def withdraw(request: HttpRequest, form_id: int) -> HttpResponse:
    form = access_form(request.user, form_id)
    if not may_act_for_employer(request.user, form) or not form.is_open:
        raise Http404("No such form.")
    error = ""
    if request.method == "POST":
        try:
            actions.withdraw(acting_user(request), form, request.POST.get("reason", ""), request)
        except actions.FormError as refused:
            error = " ".join(refused.errors.get("reason", [])) or refused.message
        else:
            messages.success(request, f"{form.reference} is withdrawn.")
            return redirect("signedforms:detail", form.pk)
    return render(
        request,
        "signedforms/withdraw.html",
        {"form": form, "spec": actions.spec_of(form), "error": error},
        status=400 if error else 200,
    )


@portal_section(Capability.FILES)
def download(request: HttpRequest, form_id: int) -> HttpResponseBase:
    """The sealed PDF, validated on every download: only a document exactly as sealed
    leaves the portal; a changed one is reported, on the page and in the audit trail."""
    form = access_form(request.user, form_id)
    if form.sealed_file is None:
        raise Http404("This form is not sealed yet.")
    verdict = pades.verify(files.read_all(form.sealed_file))
    if not verdict.valid:
        record(
            "forms.seal_check_failed",
            request=request,
            actor=acting_user(request),
            organization=form.organization,
            target=form.reference,
            details={"why": verdict.explanation},
        )
        return render(
            request,
            "signedforms/changed.html",
            {"form": form, "verdict": verdict},
            status=409,
        )
    response = serve_file(
        acting_user(request),
        form.sealed_file,
        request=request,
        filename=form.filename,
        content_type="application/pdf",
        action="forms.sealed_downloaded",
        target=form.reference,
        details={"seal": verdict.label},
    )
    response["X-Signature-Status"] = verdict.label
    return response


@portal_section(Capability.FILES)
def records(request: HttpRequest) -> HttpResponse:
    """Waivers (1074) and re-employment earnings (1008) on record."""
    waivers = waivers_for(request.user)
    earnings = earnings_for(request.user)
    return render(
        request,
        "signedforms/records.html",
        {"waivers": waivers[:200], "earnings": earnings[:200]},
    )


# -- the member's pages ---------------------------------------------------------------------

STAGE = "signedforms.link.{}"
GRANT = "signedforms.grant"


def _stage(request: HttpRequest, link: SigningLink) -> str:
    return str(request.session.get(STAGE.format(link.pk), ""))


def _set_stage(request: HttpRequest, link: SigningLink, stage: str) -> None:
    request.session[STAGE.format(link.pk)] = stage


def _unusable(request: HttpRequest, problem: actions.LinkUnusable) -> HttpResponse:
    form = problem.link.form if problem.link else None
    return render(
        request,
        "signedforms/member/unusable.html",
        {
            "reason": problem.reason,
            "link": problem.link,
            "organization": form.organization.name if form else "",
            "spec": FORMS.get(form.code) if form else None,
        },
        status=410 if problem.link else 404,
    )


@require_safe
def member_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: the token is exchanged once for a grant bound to this browser's
    session (a new session key, so a session planted by someone else gains nothing), and
    the member continues on pages whose addresses hold no token — not in the history, the
    Referer or an access log."""
    try:
        link = actions.open_link(token)
    except actions.LinkUnusable as problem:
        return _unusable(request, problem)
    request.session.cycle_key()
    request.session[GRANT] = link.pk
    response = redirect("signedforms:member_start")
    response["Referrer-Policy"] = "no-referrer"
    return response


def _link_or_page(request: HttpRequest) -> SigningLink | HttpResponse:
    grant = request.session.get(GRANT)
    if not isinstance(grant, int):
        return _unusable(request, actions.LinkUnusable("no-grant", None))
    try:
        return actions.granted_link(grant)
    except actions.LinkUnusable as problem:
        request.session.pop(GRANT, None)
        return _unusable(request, problem)


def member_start(request: HttpRequest) -> HttpResponse:
    found = _link_or_page(request)
    if isinstance(found, HttpResponse):
        return found
    link = found
    spec = actions.spec_of(link.form)
    if _stage(request, link) == "code":
        return redirect("signedforms:member_code")
    if _stage(request, link) == "verified":
        return redirect("signedforms:member_form")
    error = ""
    if request.method == "POST":
        raw = request.POST.get("birth_date", "").strip()
        try:
            born: dt.date | None = dt.date.fromisoformat(raw)
        except ValueError:
            born = None
        if born is None:
            error = "Enter your date of birth as YYYY-MM-DD."
        elif actions.confirm_birth_date(link, born, request):
            _set_stage(request, link, "code")
            return redirect("signedforms:member_code")
        else:
            link.refresh_from_db()
            if not link.is_usable():
                return _link_or_page(request)  # type: ignore[return-value]
            error = "That date of birth does not match our record."
    return render(
        request,
        "signedforms/member/birth_date.html",
        {"spec": spec, "organization": link.form.organization.name, "error": error},
        status=400 if error else 200,
    )


def member_code(request: HttpRequest) -> HttpResponse:
    found = _link_or_page(request)
    if isinstance(found, HttpResponse):
        return found
    link = found
    if _stage(request, link) not in ("code", "verified"):
        return redirect("signedforms:member_start")
    error = ""
    if request.method == "POST":
        if request.POST.get("resend"):
            try:
                actions.resend_code(link)
            except actions.FormError as refused:
                error = refused.message
            else:
                messages.info(request, "A new code was e-mailed to you.")
                return redirect("signedforms:member_code")
        elif actions.confirm_code(link, request.POST.get("code", ""), request):
            _set_stage(request, link, "verified")
            return redirect("signedforms:member_form")
        else:
            link.refresh_from_db()
            if not link.is_usable():
                return _link_or_page(request)  # type: ignore[return-value]
            error = "That code is not right, or it has expired. Check the latest e-mail."
    return render(
        request,
        "signedforms/member/code.html",
        {
            "spec": actions.spec_of(link.form),
            "sent_to": actions._masked(link.sent_to),
            "error": error,
        },
        status=400 if error else 200,
    )


def member_form(request: HttpRequest) -> HttpResponse:
    found = _link_or_page(request)
    if isinstance(found, HttpResponse):
        return found
    link = found
    if _stage(request, link) != "verified":
        return redirect("signedforms:member_start")
    form = link.form
    spec = actions.spec_of(form)
    keys = actions.member_fields(spec)
    others = typed(spec, form.values)
    web_form = SpecForm(
        spec,
        keys,
        parties=(Party.MEMBER,),
        others=others,
        data=request.POST if request.method == "POST" else None,
        initial=initial_from(spec, form.values),
    )
    if request.method == "POST" and web_form.is_valid():
        try:
            actions.member_sign(link, web_form.typed, request)
        except actions.FormError as error:
            web_form.attach(error.errors)
            messages.error(request, error.message)
        else:
            request.session.pop(STAGE.format(link.pk), None)
            request.session.pop(GRANT, None)
            return render(
                request,
                "signedforms/member/done.html",
                {"spec": spec, "organization": form.organization.name},
            )
    employer_sections = [
        s
        for s in _sections(spec, form.values, signed_only=True)
        if s["section"].party is Party.EMPLOYER and s["rows"]
    ]
    identity = effects.subject_of(form, others)
    return render(
        request,
        "signedforms/member/form.html",
        {
            "spec": spec,
            "organization": form.organization.name,
            "identity": identity,
            "employer_sections": employer_sections,
            "entry": _groups(spec, web_form, Party.MEMBER, declarations=None),
            "web_form": web_form,
            "employer_signed": form.signatures.filter(party="employer").exists(),
            "rule_checks": checks.part_time_checks(form.member, others)
            if form.code == "1030"
            else [],
        },
        status=400 if web_form.is_bound and web_form.errors else 200,
    )


__all__ = ["Section", "account_access"]
