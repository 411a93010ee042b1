"""Every buyback state change: one atomic action with its audit row.

Seeds: buybacks.txt (applications, automatic quotes at enrolment, costs, payment options,
employer payments, procedures); reporting-pension-data.txt "Buyback deductions".
Costs, windows and schedules come from `pensionportal.rules`; nothing is re-derived here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from pensionportal.accounts import access
from pensionportal.accounts.access import Capability
from pensionportal.accounts.models import Organization, Plan, User
from pensionportal.audit.record import record
from pensionportal.exchange.actions import deliver_file
from pensionportal.exchange.models import Category
from pensionportal.files import store as files
from pensionportal.files.models import StoredFile
from pensionportal.members.models import EmploymentType, Member, MemberStatus
from pensionportal.rules import buybacks as rules
from pensionportal.rules.parameters import ParameterNotInForce
from pensionportal.rules.part_time import LimitedPeriod
from pensionportal.rules.part_time import LimitKind as RuleLimitKind
from pensionportal.rules.pay_cycles import Frequency as RuleFrequency
from pensionportal.worklist.actions import TaskSpec
from pensionportal.worklist.models import Audience

from . import dsfile, eligibility, other_apps, pdfs, schedule
from .credit import stop_effects
from .letters import write_letter
from .models import (
    ApplicationForm,
    Buyback,
    DeductionDirection,
    DeductionFileEmployer,
    DeductionFileLine,
    DeductionFileRun,
    DeductionProblem,
    IssuedQuote,
    LetterKind,
    LimitKind,
    LumpSumPayment,
    PaymentOption,
    QuoteOutcome,
    ScheduledDeduction,
    ServiceType,
    Status,
    StopReason,
)

SELECT_BASIS = (
    "OPTrust Select: cost entered by the administrator (no formula in the Employer Manual); "
    "employers do not contribute (Employer Manual, Buybacks)"
)
CLASSIFIED = frozenset({EmploymentType.FT, EmploymentType.PT})


class BuybackError(ValueError):
    """Bad input or a broken rule: a plain message, and the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _today() -> dt.date:
    return timezone.localdate()


def is_classified(member: Member) -> bool:
    """Financing is 'only available to classified (permanent) full-time and part-time
    employees' (buybacks.txt 'Financing option')."""
    return member.employment_type in CLASSIFIED


# --- Applications --------------------------------------------------------------------------


def _earlier_limited(member: Member) -> list[LimitedPeriod]:
    periods = []
    others = Buyback.objects.filter(member=member).exclude(status=Status.REFUSED)
    others = others.exclude(status=Status.STOPPED, stop_reason=StopReason.MEMBER_REQUEST)
    for other in others:
        period = eligibility.limited_period(
            rules.ServiceType(other.service_type),
            other.service_start,
            other.service_end,
            other.share,
            RuleLimitKind(other.limit_kind),
        )
        if period is not None:
            periods.append(period)
    return periods


@dataclass(frozen=True)
class ApplicationInput:
    form: str
    service_type: str
    service_start: dt.date
    service_end: dt.date
    received_date: dt.date
    share: Decimal = Decimal(1)
    limit_kind: str = LimitKind.GENERAL
    reduced_hours_elected: bool = False
    notes: str = ""


def _decide(member: Member, data: ApplicationInput) -> eligibility.Decision:
    if data.service_end < data.service_start:
        raise BuybackError("The period must end on or after its start.", "service_end")
    if not Decimal(0) < data.share <= Decimal(1):
        raise BuybackError("The share bought back must be more than 0 and at most 1.", "share")
    return eligibility.decide(
        eligibility.Application(
            plan=member.organization.plan,
            service_type=rules.ServiceType(data.service_type),
            service_start=data.service_start,
            service_end=data.service_end,
            received_date=data.received_date,
            membership_date=member.membership_date,
            termination_date=member.termination_date,
            share=data.share,
            limit_kind=RuleLimitKind(data.limit_kind),
            reduced_hours_elected=data.reduced_hours_elected,
            earlier_limited=_earlier_limited(member),
        )
    )


def create_application(
    actor: User | None,
    member: Member,
    data: ApplicationInput,
    *,
    request: HttpRequest | None = None,
) -> Buyback:
    """An application entered by staff (form 1036 or 1030, with the date received). An
    ineligible one is kept, refused, with its reasons."""
    if actor is not None:
        access.require_staff(actor, Capability.BUYBACKS)
    if data.form == ApplicationForm.F1030 and data.service_type != ServiceType.PART_TIME:
        raise BuybackError(
            "Form 1030 is for temporary part-time work arrangements; use form 1036.", "form"
        )
    if data.received_date > _today():
        raise BuybackError("The date received cannot be in the future.", "received_date")
    decision = _decide(member, data)
    with transaction.atomic():
        buyback = Buyback.objects.create(
            organization=member.organization,
            member=member,
            form=data.form,
            service_type=data.service_type,
            limit_kind=data.limit_kind,
            service_start=data.service_start,
            service_end=data.service_end,
            share=data.share,
            reduced_hours_elected=data.reduced_hours_elected,
            received_date=data.received_date,
            window_start=decision.window_start,
            application_deadline=decision.application_deadline,
            status=Status.RECEIVED if decision.eligible else Status.REFUSED,
            refusal_reasons=list(decision.refusals) or list(decision.notes),
            notes=data.notes[:500],
            created_by=actor,
        )
        record(
            "buybacks.application_received",
            request=request,
            actor=actor,
            organization=member.organization,
            target=buyback.reference,
            details={
                "member": member.pk,
                "form": data.form,
                "service_type": data.service_type,
                "status": buyback.status,
            },
        )
    return buyback


def on_member_enrolled(member: Member) -> Buyback | None:
    """Called by intake when an ENROL record is applied. When continuous employment began
    before the plan membership date, the member is deemed to have applied to buy back the
    prior non-contributory service, and is quoted automatically (buybacks.txt 'Automatic
    quotes for prior non-contributory service'). Idempotent: one automatic application per
    member. Returns it, or None when there is no gap."""
    if member.hire_date >= member.membership_date:
        return None
    existing = Buyback.objects.filter(member=member, form=ApplicationForm.AUTOMATIC).first()
    if existing is not None:
        return existing
    start = member.hire_date
    if member.organization.plan == Plan.SELECT:
        start = max(start, eligibility.select_earliest_service(start))
    end = member.membership_date - dt.timedelta(days=1)
    if end < start:
        return None
    today = _today()
    data = ApplicationInput(
        form=ApplicationForm.AUTOMATIC,
        service_type=ServiceType.NON_CONTRIBUTORY,
        service_start=start,
        service_end=end,
        received_date=max(today, member.membership_date),
        notes="Deemed application at enrolment (continuous employment before membership).",
    )
    try:
        with transaction.atomic():
            buyback = create_application(None, member, data)
            if buyback.status == Status.RECEIVED:
                # no formula (Select, actuarial, or no rate): staff enter the cost
                with contextlib.suppress(BuybackError):
                    issue_quote(
                        None, buyback, complete_date=buyback.received_date, quote_date=today
                    )
    except IntegrityError:  # a concurrent call created it first
        return Buyback.objects.get(member=member, form=ApplicationForm.AUTOMATIC)
    buyback.refresh_from_db()
    return buyback


# --- Quotes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    actuarial: bool
    member: Decimal | None
    employer: Decimal
    years: Decimal | None
    member_code: str
    employer_code: str
    basis: str


def compute_cost(buyback: Buyback, salary: Decimal, complete: dt.date) -> Cost:
    """The rules engine's cost, or a 'cost to be entered' answer (actuarial, Select, or a
    period without captured rates) — never an invented number."""
    if buyback.organization.plan != Plan.OPSEU:
        return Cost(True, None, Decimal("0.00"), None, rules.CODE_MEMBER_SHARE, "", SELECT_BASIS)
    try:
        quote = rules.quote(
            rules.BuybackRequest(
                service_type=rules.ServiceType(buyback.service_type),
                service_start=buyback.service_start,
                service_end=buyback.service_end,
                annual_salary=salary,
                application_date=complete,
                window_start=buyback.window_start,
                share=buyback.share,
                received_date=buyback.received_date,
            )
        )
    except ParameterNotInForce:
        return Cost(
            True,
            None,
            Decimal("0.00"),
            None,
            rules.CODE_MEMBER_SHARE,
            "",
            "No contribution rates are captured for this period: the administrator enters "
            "the cost.",
        )
    if quote.actuarial_quote_required:
        return Cost(
            True, None, quote.employer_cost, quote.years, rules.CODE_MEMBER_SHARE, "", quote.reason
        )
    return Cost(
        False,
        quote.member_cost,
        quote.employer_cost,
        quote.years,
        quote.member_deduction_code or "",
        quote.employer_deduction_code or "",
        quote.reason,
    )


def issue_quote(
    actor: User | None,
    buyback: Buyback,
    *,
    complete_date: dt.date,
    salary_rate: Decimal | None = None,
    entered_cost: Decimal | None = None,
    interest_rate: Decimal | None = None,
    quote_date: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Buyback:
    """Cost the buyback at the salary rate on the complete-application date and issue the
    Agreement to Purchase Credit (45 days to respond; 10 years 3 months from the original
    quote to complete). A lapsed quote is re-issued the same way, costed as of the new date
    (``complete_date`` is then the costing date)."""
    if actor is not None:
        access.require_staff(actor, Capability.BUYBACKS)
    if buyback.status not in (Status.RECEIVED, Status.QUOTED, Status.LAPSED):
        raise BuybackError("Only a received, quoted or lapsed application can be (re)quoted.")
    if complete_date < buyback.received_date:
        raise BuybackError(
            "The application cannot be complete before it was received.", "complete_date"
        )
    quoted_on = quote_date or _today()
    if quoted_on < complete_date:
        raise BuybackError("The quote cannot precede the complete application.", "quote_date")
    if buyback.quote_date is not None and quoted_on < buyback.quote_date:
        raise BuybackError(
            f"A new quote cannot be dated before the last one ({buyback.quote_date:%Y-%m-%d}).",
            "quote_date",
        )
    salary = buyback.member.pay_rate if salary_rate is None else salary_rate
    if salary <= 0:
        raise BuybackError("Enter the member's annual salary rate.", "salary_rate")
    if interest_rate is not None and not Decimal(0) <= interest_rate < Decimal(1):
        raise BuybackError("Enter the interest rate as a percentage below 100.", "interest_rate")
    cost = compute_cost(buyback, salary, complete_date)
    member_cost = cost.member
    if cost.actuarial:
        if entered_cost is None or entered_cost <= 0:
            raise BuybackError(
                f"This cost is not computed by formula ({cost.basis}); enter the member's "
                "cost from the actuarial (or administrator's) calculation.",
                "entered_cost",
            )
        member_cost = entered_cost
    elif entered_cost is not None:
        raise BuybackError(
            "The cost of this buyback comes from the plan's formula; leave the cost empty.",
            "entered_cost",
        )
    assert member_cost is not None
    with transaction.atomic():
        locked = Buyback.objects.select_for_update().get(pk=buyback.pk)
        previous = locked.quotes.filter(outcome=QuoteOutcome.OPEN).first()
        if previous is not None:
            previous.outcome = QuoteOutcome.REPLACED
            previous.outcome_on = quoted_on
            previous.save(update_fields=["outcome", "outcome_on"])
            other_apps.task_cancelled(
                _response_key(previous), quoted_on, "Replaced by a new quote."
            )
        reissue = locked.status == Status.LAPSED
        locked.complete_date = complete_date
        locked.salary_rate = salary
        locked.actuarial = cost.actuarial
        locked.member_cost = member_cost
        locked.employer_cost = cost.employer
        locked.years = cost.years
        locked.member_code = cost.member_code
        locked.employer_code = cost.employer_code
        locked.cost_basis = cost.basis[:400]
        locked.interest_rate = interest_rate
        locked.quote_date = quoted_on
        locked.original_quote_date = locked.original_quote_date or quoted_on
        locked.response_deadline = rules.response_deadline(quoted_on)
        locked.completion_deadline = rules.completion_deadline(locked.original_quote_date)
        locked.status = Status.QUOTED
        locked.save()
        issued = IssuedQuote.objects.create(
            buyback=locked,
            number=locked.quotes.count() + 1,
            quote_date=quoted_on,
            complete_date=complete_date,
            salary_rate=salary,
            member_cost=member_cost,
            employer_cost=cost.employer,
            response_deadline=locked.response_deadline,
            reminder_date=rules.reminder_date(quoted_on),
        )
        record(
            "buybacks.quote_reissued" if reissue else "buybacks.quote_issued",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.reference,
            details={
                "member_cost": str(member_cost),
                "employer_cost": str(cost.employer),
                "actuarial": cost.actuarial,
                "quote": issued.number,
                "respond_by": issued.response_deadline.isoformat(),
            },
        )
        other_apps.task(_response_task(locked, issued), _today())
    return locked


def _response_key(issued: IssuedQuote) -> str:
    return f"buyback-response:{issued.buyback_id}:{issued.number}"


def _response_task(buyback: Buyback, issued: IssuedQuote) -> TaskSpec:
    member = buyback.member
    return TaskSpec(
        key=_response_key(issued),
        kind="buyback_response",
        category="Buyback: answer to the 1017 due",
        audience=Audience.STAFF,
        organization_id=buyback.organization_id,
        title=f"{buyback.reference}: the member's signed 1017 is due",
        detail=(
            f"quote {issued.number} mailed {issued.quote_date:%Y-%m-%d}; reminder letter "
            f"written {issued.reminder_date:%Y-%m-%d} (mail it); the quote lapses after "
            f"{issued.response_deadline:%Y-%m-%d}"
        ),
        subject=f"{member.first_name} {member.last_name} ({member.employee_id})",
        due_date=issued.response_deadline,
        listed_from=issued.reminder_date,
        url=reverse("buybacks:detail", args=[buyback.pk]),
        source="seeds/buybacks.txt 'Buyback procedures' step 3 (respond within 45 days)",
        closable_by_staff=False,
    )


def options_for(buyback: Buyback) -> pdfs.OptionsText:
    """Payment options from the rules (lump sum only under $500; financing for classified
    members), with the least payment a pay when a rate is known."""
    assert buyback.member_cost is not None
    assert buyback.quote_date is not None
    options = _options(buyback, buyback.quote_date)
    minimum = None
    if options.financing and buyback.interest_rate is not None:
        minimum = rules.minimum_payment(
            buyback.member_cost, buyback.interest_rate, RuleFrequency.BIWEEKLY, buyback.quote_date
        )
    return pdfs.OptionsText(
        options.lump_sum,
        options.financing,
        options.combined,
        options.reason,
        minimum,
        options.direct,
    )


def on_unpaid_leave(member: Member) -> bool:
    return member.status == MemberStatus.ON_LEAVE


def _options(buyback: Buyback, on: dt.date) -> rules.PaymentOptions:
    assert buyback.member_cost is not None
    return rules.payment_options(
        buyback.member_cost, is_classified(buyback.member), on, on_unpaid_leave(buyback.member)
    )


def agreement_pdf(actor: User, buyback: Buyback, request: HttpRequest | None = None) -> bytes:
    """The Agreement to Purchase Credit (OPTrust 1017), for staff to send to the member."""
    access.require_staff(actor, Capability.BUYBACKS)
    if buyback.member_cost is None:
        raise BuybackError("The buyback has not been quoted yet.")
    # The download (and its audit row) is the view's `serve_generated`.
    return pdfs.agreement_1017(buyback, options_for(buyback))


# --- Agreement and payment ----------------------------------------------------------------


@dataclass(frozen=True)
class AgreementInput:
    agreement_date: dt.date
    option: str
    lump_sum: Decimal | None = None
    interest_rate: Decimal | None = None
    frequency: str = "biweekly"
    payment: Decimal | None = None
    first_deduction: dt.date | None = None


def _plan(buyback: Buyback, data: AgreementInput) -> schedule.DeductionPlan | None:
    assert buyback.member_cost is not None
    assert buyback.quote_date is not None
    options = _options(buyback, data.agreement_date)
    if data.option == PaymentOption.LUMP_SUM:
        return None
    if data.option == PaymentOption.DIRECT:
        if not options.direct:
            raise BuybackError(
                "Payments directly to the administrator are for members on an unpaid leave "
                f"and seasonal or unclassified members ({options.reason}).",
                "option",
            )
        return None
    if data.option == PaymentOption.COMBINED and data.lump_sum:
        answer = rules.combined_option(
            buyback.member_cost,
            data.lump_sum,
            is_classified(buyback.member),
            data.agreement_date,
            on_unpaid_leave(buyback.member),
        )
        if not answer.allowed:
            raise BuybackError(f"A combined payment is not available: {answer.reason}.", "lump_sum")
    if data.option == PaymentOption.FINANCING and not options.financing:
        raise BuybackError(f"Payroll deductions are not available: {options.reason}.", "option")
    if data.option == PaymentOption.COMBINED and not options.combined:
        raise BuybackError(f"A combined payment is not available: {options.reason}.", "option")
    if data.option == PaymentOption.COMBINED and not data.lump_sum:
        raise BuybackError("Enter the lump sum paid with the payroll deductions.", "lump_sum")
    if data.interest_rate is None:
        raise BuybackError("Enter the financing interest rate.", "interest_rate")
    if data.payment is None:
        raise BuybackError("Enter the deduction per pay.", "payment")
    if data.first_deduction is None:
        raise BuybackError("Enter the first deduction's pay date.", "first_deduction")
    if data.first_deduction < data.agreement_date:
        raise BuybackError("Deductions start after the agreement is signed.", "first_deduction")
    lump = data.lump_sum if data.option == PaymentOption.COMBINED and data.lump_sum else Decimal(0)
    try:
        return schedule.build(
            member_cost=buyback.member_cost,
            employer_cost=buyback.employer_cost or Decimal(0),
            lump_sum=lump,
            annual_rate=data.interest_rate,
            frequency=RuleFrequency(data.frequency),
            payment=data.payment,
            first_deduction=data.first_deduction,
            agreed_on=data.agreement_date,
            quote_date=buyback.quote_date,
        )
    except ValueError as error:
        message = str(error)
        field = "lump_sum" if "remain financed" in message or "lump sum" in message else "payment"
        raise BuybackError(message[:1].upper() + message[1:], field) from error


def record_agreement(
    actor: User,
    buyback: Buyback,
    data: AgreementInput,
    *,
    request: HttpRequest | None = None,
) -> Buyback:
    """The member signed the Agreement to Purchase Credit and chose how to pay. A financed
    buyback gets its schedule and its deduction direction (form 1016), delivered to the
    employer as a file from the administrator and announced in a secure message."""
    access.require_staff(actor, Capability.BUYBACKS)
    if buyback.status not in (Status.QUOTED, Status.LAPSED) or buyback.member_cost is None:
        raise BuybackError("Only a quoted buyback can be agreed.")
    assert buyback.response_deadline is not None
    assert buyback.completion_deadline is not None
    if data.agreement_date > _today():
        raise BuybackError("The agreement date cannot be in the future.", "agreement_date")
    if data.agreement_date < (buyback.quote_date or data.agreement_date):
        raise BuybackError("The agreement cannot precede the quote.", "agreement_date")
    if data.agreement_date > buyback.response_deadline:
        # seeds/buybacks.txt 'Buyback procedures' step 3: "The member must respond within
        # 45 days" -- a signed form received later answers a lapsed quote.
        days = rules.response_days(buyback.quote_date or data.agreement_date)
        raise BuybackError(
            f"The signed agreement arrived after the {days}-day window closed on "
            f"{buyback.response_deadline:%Y-%m-%d}: the quote has lapsed. Issue a new quote "
            "(costed as of the new date).",
            "agreement_date",
        )
    if data.agreement_date > buyback.completion_deadline:
        window = rules.completion_window_words(buyback.original_quote_date or data.agreement_date)
        raise BuybackError(f"The {window} completion window has closed.", "agreement_date")
    plan = _plan(buyback, data)
    delivered = None
    try:
        with transaction.atomic():
            locked = Buyback.objects.select_for_update().get(pk=buyback.pk)
            if locked.status not in (Status.QUOTED, Status.LAPSED):
                raise BuybackError("The buyback changed meanwhile; reload the page.")
            # a form received in time but recorded after the lapse job ran reinstates it
            reinstated = locked.status == Status.LAPSED
            issued = locked.quotes.order_by("-number").first()
            if issued is not None:
                issued.outcome = QuoteOutcome.AGREED
                issued.outcome_on = data.agreement_date
                issued.save(update_fields=["outcome", "outcome_on"])
                other_apps.task_done(
                    _response_key(issued), data.agreement_date, "Signed 1017 received.", actor
                )
            locked.agreement_date = data.agreement_date
            locked.payment_option = data.option
            if data.interest_rate is not None:
                locked.interest_rate = data.interest_rate
            if plan is None:
                # a lump sum, or payments directly to the administrator
                locked.status = Status.AWAITING_PAYMENT
                locked.lump_sum_amount = locked.member_cost
                locked.financed_amount = None
            else:
                locked.status = Status.IN_PAYMENT
                locked.lump_sum_amount = data.lump_sum if data.option == "combined" else None
                locked.financed_amount = plan.financed
            locked.save()
            record(
                "buybacks.agreement_recorded",
                request=request,
                actor=actor,
                organization=locked.organization,
                target=locked.reference,
                details={"option": data.option, "reinstated_after_lapse": reinstated},
            )
            if plan is not None:
                delivered = _issue_direction(actor, locked, data, plan, request)
    except BaseException:
        if delivered is not None:
            files.delete_orphan(delivered)
        raise
    return locked


def _issue_direction(
    actor: User,
    buyback: Buyback,
    data: AgreementInput,
    plan: schedule.DeductionPlan,
    request: HttpRequest | None,
) -> str:
    direction = create_direction(actor, buyback, data.frequency, plan)
    return deliver_direction(
        actor,
        buyback,
        direction,
        request,
        subject=f"Buyback deduction direction {buyback.reference}",
        opening="Please set up buyback payroll deductions",
        audit_action="buybacks.direction_issued",
    )


def create_direction(
    actor: User,
    buyback: Buyback,
    frequency: str,
    plan: schedule.DeductionPlan,
    replaces: DeductionDirection | None = None,
    reason: str = "",
) -> DeductionDirection:
    """The 1016 and its schedule, line by line (inside the caller's transaction)."""
    direction = DeductionDirection.objects.create(
        buyback=buyback,
        frequency=frequency,
        start_date=plan.start_date,
        end_date=plan.end_date,
        member_amount=plan.member_amount,
        employer_amount=plan.employer_amount,
        number_of_payments=len(plan.lines),
        member_code=buyback.member_code,
        employer_code=buyback.employer_code if plan.employer_financed else "",
        issued_by=actor,
        replaces=replaces,
        change_reason=reason[:300],
    )
    ScheduledDeduction.objects.bulk_create(
        ScheduledDeduction(
            direction=direction,
            number=line.number,
            due_date=line.due_date,
            member_payment=line.member_payment,
            interest=line.interest,
            principal=line.principal,
            balance=line.balance,
            employer_payment=line.employer_payment,
        )
        for line in plan.lines
    )
    return direction


def deliver_direction(
    actor: User,
    buyback: Buyback,
    direction: DeductionDirection,
    request: HttpRequest | None,
    *,
    subject: str,
    opening: str,
    audit_action: str,
) -> str:
    """The 1016 PDF to the employer's File Upload list and a secure message from the
    Buybacks mailbox with the amounts and codes; returns the stored file's name."""
    lines = list(direction.lines.all())
    content = pdfs.direction_1016(direction, lines)
    file_id, file_reference, file_name, storage_name = other_apps.deliver(
        actor,
        buyback.organization,
        f"1016_{buyback.reference}_{direction.pk}.pdf",
        content,
        request,
    )
    direction.delivered_file_id = file_id
    member = buyback.member
    body = (
        f"{opening} for {member.first_name} {member.last_name} "
        f"(employee ID {member.employee_id}), buyback {buyback.reference}.\n\n"
        f"Start date: {direction.start_date:%Y-%m-%d}\nEnd date: {direction.end_date:%Y-%m-%d}\n"
        f"Member deduction: ${direction.member_amount} a pay, code {direction.member_code}\n"
        + (
            f"Employer contribution: ${direction.employer_amount} a pay, code "
            f"{direction.employer_code}\n"
            if direction.employer_code
            else "Employer contribution: none\n"
        )
        + f"Number of payments: {direction.number_of_payments} "
        f"({direction.get_frequency_display().lower()})\n\n"
        f"The form 1016 with the full schedule is in File Upload as {file_name} "
        f"({file_reference}) and on the Buybacks page. Report the deductions in each "
        "pay's data file with these codes. Do not stop the deductions unless the member "
        "terminates, transfers, retires or dies."
    )
    thread_reference = other_apps.message(actor, buyback.organization, subject, body, request)
    direction.thread_reference = thread_reference
    direction.save(update_fields=["delivered_file_id", "thread_reference"])
    record(
        audit_action,
        request=request,
        actor=actor,
        organization=buyback.organization,
        target=buyback.reference,
        details={
            "payments": direction.number_of_payments,
            "member_amount": str(direction.member_amount),
            "employer_amount": str(direction.employer_amount),
            "file": file_reference,
            "thread": thread_reference,
        },
    )
    return storage_name


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def record_lump_sum(
    actor: User,
    buyback: Buyback,
    *,
    received_date: dt.date,
    amount: Decimal,
    request: HttpRequest | None = None,
) -> LumpSumPayment:
    """A payment the member made directly: a lump sum, or one of the monthly or quarterly
    payments of the direct option. The employer's matching share follows it and is
    invoiced quarterly (buybacks.txt 'Buyback procedures' step 4: "The employer will be
    invoiced on a quarterly basis")."""
    access.require_staff(actor, Capability.BUYBACKS)
    if buyback.status not in (Status.AWAITING_PAYMENT, Status.IN_PAYMENT):
        raise BuybackError("Record payments once the member has agreed to pay directly.")
    if buyback.payment_option == PaymentOption.FINANCING:
        raise BuybackError("This buyback is paid by payroll deductions only.")
    if amount <= 0:
        raise BuybackError("Enter the amount received.", "amount")
    if received_date > _today():
        raise BuybackError("The date received cannot be in the future.", "received_date")
    if buyback.agreement_date is not None and received_date < buyback.agreement_date:
        raise BuybackError(
            "A payment cannot be received before the agreement was signed.", "received_date"
        )
    direct = buyback.payment_option == PaymentOption.DIRECT
    completes_when_paid = buyback.payment_option in (PaymentOption.LUMP_SUM, PaymentOption.DIRECT)
    with transaction.atomic():
        locked = Buyback.objects.select_for_update().get(pk=buyback.pk)
        due = locked.lump_sum_amount or Decimal(0)
        paid = sum((p.amount for p in locked.lump_sums.all()), Decimal(0))
        if paid + amount > due:
            raise BuybackError(f"Only ${due - paid} remains to be paid directly.", "amount")
        employer_paid = sum((p.employer_share for p in locked.lump_sums.all()), Decimal(0))
        share = schedule.employer_share(
            locked.employer_cost or Decimal(0), locked.member_cost or Decimal(1), amount
        )
        if paid + amount == due and completes_when_paid:
            share = (locked.employer_cost or Decimal(0)) - employer_paid
        payment = LumpSumPayment.objects.create(
            buyback=locked,
            direct=direct,
            received_date=received_date,
            amount=amount,
            employer_share=share,
            invoice_quarter=quarter_of(received_date),
            recorded_by=actor,
        )
        if paid + amount == due and completes_when_paid:
            locked.status = Status.COMPLETED
            locked.save(update_fields=["status"])
        record(
            "buybacks.direct_payment_recorded" if direct else "buybacks.lump_sum_recorded",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.reference,
            details={"amount": str(amount), "employer_share": str(share)},
        )
    return payment


def stop_buyback(
    actor: User,
    buyback: Buyback,
    *,
    reason: str,
    on: dt.date,
    request: HttpRequest | None = None,
) -> Buyback:
    """Deductions stop only on termination, transfer, retirement or death, or when the
    member asks the administrator to stop the buyback. The rest of the schedule is
    cancelled; the member is credited with the service paid for (pro rata, principal only);
    the employer is told to stop the deductions; the member gets a letter."""
    access.require_staff(actor, Capability.BUYBACKS)
    if reason not in StopReason.values:
        raise BuybackError(
            "Deductions stop only on termination, transfer, retirement or death, or at the "
            "member's request.",
            "reason",
        )
    if buyback.status in (Status.COMPLETED, Status.STOPPED, Status.REFUSED):
        raise BuybackError("This buyback is already closed.")
    if on > _today():
        raise BuybackError("The stop date cannot be in the future.", "on")
    if buyback.agreement_date is not None and on < buyback.agreement_date:
        raise BuybackError("A buyback cannot stop before it was agreed.", "on")
    with transaction.atomic():
        locked = Buyback.objects.select_for_update().get(pk=buyback.pk)
        was = locked.status
        locked.status = Status.STOPPED
        locked.stop_reason = reason
        locked.stopped_on = on
        paid, credited = stop_effects(locked, on)
        locked.principal_paid = paid
        locked.credited_years = credited
        locked.save(
            update_fields=[
                "status",
                "stop_reason",
                "stopped_on",
                "principal_paid",
                "credited_years",
            ]
        )
        # the schedule after the stop date is cancelled (tracking shows it as stopped)
        DeductionDirection.objects.filter(buyback=locked, active=True).update(active=False)
        for issued in locked.quotes.filter(outcome=QuoteOutcome.OPEN):
            issued.outcome = QuoteOutcome.REPLACED
            issued.outcome_on = on
            issued.save(update_fields=["outcome", "outcome_on"])
            other_apps.task_cancelled(_response_key(issued), on, "The buyback was stopped.")
        record(
            "buybacks.stopped",
            request=request,
            actor=actor,
            organization=locked.organization,
            target=locked.reference,
            details={
                "reason": reason,
                "on": on.isoformat(),
                "principal_paid": str(paid),
                "credited_years": str(credited),
            },
        )
        write_letter(locked, LetterKind.STOPPED, on)
        if was == Status.IN_PAYMENT:
            member = locked.member
            other_apps.message(
                actor,
                locked.organization,
                f"Stop buyback deductions {locked.reference}",
                f"Please stop the buyback payroll deductions (codes {locked.member_code}"
                + (f" and {locked.employer_code}" if locked.employer_code else "")
                + f") for {member.first_name} {member.last_name} (employee ID "
                f"{member.employee_id}), buyback {locked.reference}, from the first pay "
                f"after {on:%Y-%m-%d}. Reason: {locked.get_stop_reason_display()}. Amounts "
                "already deducted stay credited to the member.",
                request,
            )
    return locked


# --- The deduction file (DS file) and the problem report back -----------------------------


def set_deduction_file(
    actor: User, organization: Organization, enabled: bool, request: HttpRequest | None = None
) -> None:
    access.require_staff(actor, Capability.BUYBACKS)
    with transaction.atomic():
        DeductionFileEmployer.objects.update_or_create(
            organization=organization, defaults={"enabled": enabled}
        )
        record(
            "buybacks.deduction_file_setting",
            request=request,
            actor=actor,
            organization=organization,
            details={"enabled": enabled},
        )


def takes_deduction_file(organization: Organization) -> bool:
    return DeductionFileEmployer.objects.filter(organization=organization, enabled=True).exists()


def _line_for(direction: DeductionDirection, pay_date: dt.date) -> ScheduledDeduction | None:
    """The scheduled deduction owning ``pay_date`` (from its date until the next one's)."""
    lines = list(direction.lines.all())
    for index, line in enumerate(lines):
        nxt = lines[index + 1].due_date if index + 1 < len(lines) else None
        if nxt is None:
            step = line.due_date - lines[index - 1].due_date if index else dt.timedelta(14)
            nxt = line.due_date + step
        if line.due_date <= pay_date < nxt:
            return line
    return None


def deduction_lines(
    organization: Organization, pay_date: dt.date
) -> list[tuple[dsfile.DsLine, DeductionDirection]]:
    """Every open buyback deduction for the pay: member and employer lines with their codes.
    Terminated members are left out ('Deduction methodology')."""
    found = []
    directions = (
        DeductionDirection.objects.filter(
            active=True,
            buyback__organization=organization,
            buyback__status=Status.IN_PAYMENT,
        )
        .exclude(buyback__member__status=MemberStatus.TERMINATED)
        .select_related("buyback__member")
        .order_by("buyback__member__last_name", "buyback__member__first_name", "id")
    )
    for direction in directions:
        line = _line_for(direction, pay_date)
        if line is None:
            continue
        member = direction.buyback.member
        for code, amount in (
            (direction.member_code, line.member_payment),
            (direction.employer_code, line.employer_payment),
        ):
            if not code or not amount:
                continue
            ds_line = dsfile.DsLine(
                pay_date=pay_date,
                employee_id=member.employee_id,
                last_name=member.last_name,
                first_name=member.first_name,
                reference=direction.buyback.reference,
                code=code,
                amount=amount,
                payment_number=line.number,
                number_of_payments=direction.number_of_payments,
                start_date=direction.start_date,
                end_date=direction.end_date,
            )
            found.append((ds_line, direction))
    return found


def produce_deduction_file(
    actor: User,
    organization: Organization,
    pay_date: dt.date,
    *,
    request: HttpRequest | None = None,
) -> DeductionFileRun:
    """The pay's deduction file (CSV), delivered to the employer through File Upload."""
    access.require_staff(actor, Capability.BUYBACKS)
    if not takes_deduction_file(organization):
        raise BuybackError("This employer does not take a deduction file.", "organization")
    if DeductionFileRun.objects.filter(organization=organization, pay_date=pay_date).exists():
        raise BuybackError(
            f"The deduction file for pay date {pay_date:%Y-%m-%d} was already produced.",
            "pay_date",
        )
    found = deduction_lines(organization, pay_date)
    filename = f"DS_{pay_date:%Y-%m-%d}.csv"
    storage = None
    try:
        with transaction.atomic():
            run = DeductionFileRun.objects.create(
                organization=organization, pay_date=pay_date, filename=filename, produced_by=actor
            )
            DeductionFileLine.objects.bulk_create(
                DeductionFileLine(
                    run=run,
                    direction=direction,
                    code=line.code,
                    amount=line.amount,
                    payment_number=line.payment_number,
                )
                for line, direction in found
            )
            delivery = deliver_file(
                actor,
                organization,
                filename,
                [dsfile.build_csv([line for line, _ in found])],
                Category.BUYBACK_DEDUCTIONS,
                request=request,
            )
            storage = delivery.file.name if delivery.file is not None else None
            run.delivered_file_id = delivery.pk
            run.save(update_fields=["delivered_file_id"])
            record(
                "buybacks.deduction_file_produced",
                request=request,
                actor=actor,
                organization=organization,
                target=filename,
                details={"lines": len(found), "file": delivery.reference},
            )
    except BaseException:
        if storage is not None:
            files.delete_orphan(storage)
        raise
    return run


def accept_problem_report(
    actor: User,
    organization: Organization,
    data: bytes,
    *,
    stored: StoredFile | None = None,
    request: HttpRequest | None = None,
) -> list[DeductionProblem]:
    """The employer's report of problems after the pay run, recorded against each deduction
    of the file it answers; all rows or none."""
    org = access.access_organization(actor, organization.pk, Capability.BUYBACKS)
    requested: dict[tuple[dt.date, str, str], DeductionFileLine] = {}
    for line in DeductionFileLine.objects.filter(run__organization=org).select_related(
        "run", "direction__buyback"
    ):
        requested[(line.run.pay_date, line.direction.buyback.reference, line.code)] = line
    rows, errors = dsfile.parse_problem_report(
        data, {key: line.amount for key, line in requested.items()}
    )
    if errors:
        raise ProblemReportRefused(errors)
    with transaction.atomic():
        problems = DeductionProblem.objects.bulk_create(
            DeductionProblem(
                line=requested[(row.pay_date, row.reference, row.code)],
                amount_deducted=row.amount_deducted,
                problem=row.problem,
                comment=row.comment,
                reported_by=actor,
            )
            for row in rows
        )
        if stored is not None:
            files.keep(stored, organization=org)
        record(
            "buybacks.problem_report_accepted",
            request=request,
            actor=actor,
            organization=org,
            details={"rows": len(rows), "file": stored.reference if stored else ""},
        )
    return problems


class ProblemReportRefused(BuybackError):
    def __init__(self, errors: list[dsfile.RowError]) -> None:
        super().__init__("The problem report was not accepted; nothing was recorded.", "file")
        self.errors = errors
