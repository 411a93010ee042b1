"""Command line for the plan's rules: ``pensionportal calc ...``.

Django-free, so that a management command can reuse :func:`main`. Every command prints one
JSON object on stdout; amounts are decimal strings with two places. Bad arguments or values
give one line on stderr and exit status 2. See docs/cli.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from pensionportal.rules import buybacks, deadlines, interest, parameters
from pensionportal.rules.contributions import Participation, Plan, compute
from pensionportal.rules.contributions_opseu import OpseuContribution, OpseuShare
from pensionportal.rules.contributions_select import SelectContribution
from pensionportal.rules.money import to_cents
from pensionportal.rules.parameters import DatedTable, ParameterNotInForce
from pensionportal.rules.pay_basis import HourlyPay, PayBasis, SalariedPay
from pensionportal.rules.pay_cycles import Frequency

PROG = "pensionportal"


class UsageError(Exception):
    """A bad argument or value: one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# --- argument types --------------------------------------------------------------------


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _non_negative(text: str) -> Decimal:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def _positive(text: str) -> Decimal:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def _ratio(text: str) -> Decimal:
    value = _number(text)
    if not Decimal(0) < value <= Decimal(1):
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 1: {text!r}")
    return value


# --- output ----------------------------------------------------------------------------


def _money(amount: Decimal) -> str:
    return str(to_cents(amount))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _emit(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _opseu_share(share: OpseuShare) -> dict[str, str]:
    return {
        "below_ympe": _money(share.below_ympe),
        "above_ympe": _money(share.above_ympe),
        "total": _money(share.total),
        "rate_below_ympe": _plain(share.rate_below_ympe),
        "rate_above_ympe": _plain(share.rate_above_ympe),
    }


def contribution_document(result: OpseuContribution | SelectContribution) -> dict[str, Any]:
    """The JSON shape of a contribution result (also useful to other callers)."""
    common: dict[str, Any] = {
        "pay_date": result.pay_date.isoformat(),
        "frequency": result.frequency.value,
        "pay_periods_per_year": _plain(result.pay_periods),
        "earnings": _money(result.earnings),
        "annualized_salary": _money(result.annualized_salary),
    }
    if isinstance(result, OpseuContribution):
        return {
            "plan": Plan.OPSEU.value,
            **common,
            "ympe": _money(result.ympe),
            "member": _opseu_share(result.member),
            "employer": _opseu_share(result.employer),
            "sources": list(result.sources),
        }
    return {
        "plan": Plan.SELECT.value,
        **common,
        "special_applies": result.special_applies,
        "member": {
            "regular": _money(result.member.regular),
            "total": _money(result.member.total),
            "rate": _plain(result.member.rate),
        },
        "employer": {
            "regular": _money(result.employer.regular),
            "special": _money(result.employer.special),
            "total": _money(result.employer.total),
            "rate": _plain(result.employer.rate),
            "special_rate": _plain(result.employer.special_rate),
        },
        "sources": list(result.sources),
    }


# --- commands --------------------------------------------------------------------------


def _cmd_contributions(args: argparse.Namespace) -> int:
    pay: PayBasis
    if args.annual_salary is not None:
        if args.hourly_rate is not None or args.hours is not None:
            raise UsageError("give either --annual-salary or --hourly-rate, not both")
        pay = SalariedPay(args.annual_salary, args.employment_ratio or Decimal(1))
    else:
        missing = [
            flag
            for flag, value in (
                ("--hourly-rate", args.hourly_rate),
                ("--standard-weekly-hours", args.standard_weekly_hours),
                ("--hours", args.hours),
            )
            if value is None
        ]
        if missing:
            raise UsageError(
                "give --annual-salary, or --hourly-rate with --standard-weekly-hours and "
                f"--hours (missing {', '.join(missing)})"
            )
        if args.employment_ratio is not None:
            raise UsageError("--employment-ratio goes with --annual-salary")
        pay = HourlyPay(args.hourly_rate, args.standard_weekly_hours, args.hours)
    plan = Plan(args.plan)
    participation = None
    if args.participation_date is not None:
        participation = Participation(
            args.participation_date, args.reorganisation_date, args.enrolment_date
        )
    elif args.reorganisation_date is not None:
        raise UsageError("--reorganisation-date needs --participation-date")
    result = compute(plan, pay, args.pay_date, Frequency(args.frequency), participation)
    document = contribution_document(result)
    if plan is Plan.SELECT and participation is None:
        document["notes"] = [
            "no --participation-date: the employer is taken to be past its first two years "
            "(no special contribution)"
        ]
    _emit(document)
    return 0


def _cmd_deadlines(args: argparse.Namespace) -> int:
    document: dict[str, Any] = {}
    if args.pay_date is not None:
        found = deadlines.for_pay_date(args.pay_date)
        document.update(
            pay_date=found.pay_date.isoformat(),
            contributions_due=found.contributions_due.isoformat(),
            data_due=found.data_due.isoformat(),
            member_delinquent_from=found.member_delinquent_from.isoformat(),
            employer_delinquent_from=found.employer_delinquent_from.isoformat(),
            ltip_delinquent_from=deadlines.delinquency_start(
                deadlines.ContributionKind.LTIP, args.pay_date
            ).isoformat(),
        )
    if args.invoice_date is not None:
        document["invoice_date"] = args.invoice_date.isoformat()
        document["invoice_due"] = deadlines.invoice_due_date(args.invoice_date).isoformat()
        document["missed_mandatory_employer_due"] = deadlines.missed_mandatory_employer_due_date(
            args.invoice_date
        ).isoformat()
    if args.received_date is not None:
        document["received_date"] = args.received_date.isoformat()
        document["discrepancy_notice_by"] = deadlines.reconciliation_notice_by(
            args.received_date
        ).isoformat()
    if args.notice_date is not None:
        document["notice_date"] = args.notice_date.isoformat()
        document["reconcile_by"] = deadlines.reconciliation_due_date(args.notice_date).isoformat()
    if not document:
        raise UsageError(
            "give at least one of --pay-date, --invoice-date, --received-date, --notice-date"
        )
    _emit(document)
    return 0


def _rate_table(
    name: str, rate: Decimal | None, path: Path | None, since: dt.date
) -> DatedTable | None:
    if rate is not None and path is not None:
        raise UsageError(f"give either the {name} rate or its file, not both")
    if rate is not None:
        return DatedTable.from_rows(name, [(since, rate, "given on the command line")])
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {path}: {exc.strerror}") from None
        return parameters.table_from_yaml(text)
    return None


def _cmd_interest(args: argparse.Namespace) -> int:
    if args.start is not None and args.deduction_date is not None:
        raise UsageError("give either --start or --deduction-date, not both")
    if args.start is None and args.deduction_date is None:
        raise UsageError("give --start, or --deduction-date with --kind")
    start = args.start or deadlines.delinquency_start(
        deadlines.ContributionKind(args.kind), args.deduction_date
    )
    shipped = interest.InterestRates.shipped()
    fund = _rate_table("fund earning", args.fund_rate, args.fund_rate_file, start)
    pji = _rate_table("pre-judgment", args.prejudgment_rate, args.prejudgment_rate_file, start)
    rates = interest.InterestRates(fund or shipped.fund_earning, pji or shipped.prejudgment)
    if args.received < start:
        raise UsageError(
            f"--received {args.received} is before the delinquency starts ({start}): no interest"
        )
    result = interest.late_interest(args.principal, start, args.received, rates)
    _emit(
        {
            "principal": _money(result.principal),
            "delinquent_from": result.start.isoformat(),
            "received": result.end.isoformat(),
            "days": result.days,
            "method": "simple interest, principal x rate x days / 365, at the higher of the "
            "fund earning rate and the pre-judgment rate each day; each line rounded to the "
            "cent, half up",
            "lines": [
                {
                    "from": line.start.isoformat(),
                    "to": line.end.isoformat(),
                    "days": line.days,
                    "rate": _plain(line.rate),
                    "rate_name": line.rate_name,
                    "source": line.source,
                    "interest": _money(line.interest),
                }
                for line in result.lines
            ],
            "total": _money(result.total),
        }
    )
    return 0


def _cmd_buyback(args: argparse.Namespace) -> int:
    request = buybacks.BuybackRequest(
        service_type=buybacks.ServiceType(args.service_type),
        service_start=args.service_start,
        service_end=args.service_end,
        annual_salary=args.annual_salary,
        application_date=args.application_date,
        window_start=args.window_start,
        share=args.share,
    )
    found = buybacks.quote(request)
    document: dict[str, Any] = {
        "service_type": found.service_type.value,
        "actuarial_quote_required": found.actuarial_quote_required,
        "member": None if found.member_cost is None else _money(found.member_cost),
        "employer": _money(found.employer_cost),
        "years": _plain(to_years(found.years)),
        "ympe": None if found.ympe is None else _money(found.ympe),
        "member_deduction_code": found.member_deduction_code,
        "employer_deduction_code": found.employer_deduction_code,
        "application_deadline": found.application_deadline.isoformat(),
        "within_application_window": found.within_application_window,
        "completion_deadline": buybacks.completion_deadline(
            args.quote_date or args.application_date
        ).isoformat(),
        "reason": found.reason,
    }
    if found.member_cost is None and args.lump_sum is not None:
        document["combined"] = {
            "lump_sum": _money(args.lump_sum),
            "remainder": None,
            "may_finance": False,
            "reason": "the member's cost comes from an actuarial quote: ask again with it",
        }
    if found.member_cost is not None:
        options = buybacks.payment_options(
            found.member_cost, args.classified, args.application_date, args.on_unpaid_leave
        )
        document["payment_options"] = {
            "lump_sum": options.lump_sum,
            "financing": options.financing,
            "combined": options.combined,
            "direct": options.direct,
            "reason": options.reason,
        }
        financed = found.member_cost
        may_finance = options.financing
        if args.lump_sum is not None:
            answer = buybacks.combined_option(
                found.member_cost,
                args.lump_sum,
                args.classified,
                args.application_date,
                args.on_unpaid_leave,
            )
            document["combined"] = {
                "lump_sum": _money(answer.lump_sum),
                "remainder": _money(answer.remainder),
                "may_finance": answer.allowed,
                "reason": answer.reason,
            }
            financed = answer.remainder
            may_finance = answer.allowed
        if args.interest_rate is not None and may_finance:
            frequency = Frequency(args.frequency)
            on = args.application_date
            payment = args.payment or buybacks.minimum_payment(
                financed, args.interest_rate, frequency, on
            )
            plan = buybacks.financing_schedule(financed, args.interest_rate, frequency, payment, on)
            document["financing"] = {
                "financed": _money(financed),
                "frequency": frequency.value,
                "annual_rate": _plain(args.interest_rate),
                "payment": _money(plan.payment),
                "payments": len(plan.payments),
                "last_payment": _money(plan.payments[-1].payment),
                "total_interest": _money(plan.total_interest),
                "total_paid": _money(plan.total_paid),
            }
    _emit(document)
    return 0


def to_years(value: Decimal) -> Decimal:
    """Years shown to four decimal places."""
    return value.quantize(Decimal("0.0001"))


# --- parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="The pension plan's rules from the command line.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    calc = commands.add_parser("calc", help="compute a rule")
    what = calc.add_subparsers(dest="what", required=True, metavar="WHAT")

    c = what.add_parser("contributions", help="member and employer contributions for one pay")
    c.add_argument("--plan", required=True, choices=[p.value for p in Plan])
    c.add_argument("--pay-date", required=True, type=_date)
    c.add_argument("--frequency", required=True, choices=[f.value for f in Frequency])
    c.add_argument("--annual-salary", type=_non_negative, help="full-time annual salary rate")
    c.add_argument("--employment-ratio", type=_ratio, help="share of full time (default 1)")
    c.add_argument("--hourly-rate", type=_non_negative)
    c.add_argument("--standard-weekly-hours", type=_positive)
    c.add_argument("--hours", type=_non_negative, help="hours worked in the pay period")
    c.add_argument("--participation-date", type=_date, help="employer's plan participation date")
    c.add_argument("--reorganisation-date", type=_date, help="Select: restart of the 0.2%%")
    c.add_argument("--enrolment-date", type=_date, help="Select: member's enrolment date")
    c.set_defaults(handler=_cmd_contributions)

    d = what.add_parser("deadlines", help="due dates from a pay, invoice or receipt date")
    d.add_argument("--pay-date", type=_date, help="the date contributions were deducted")
    d.add_argument("--invoice-date", type=_date)
    d.add_argument("--received-date", type=_date, help="date contributions were received")
    d.add_argument("--notice-date", type=_date, help="date a discrepancy was notified")
    d.set_defaults(handler=_cmd_deadlines)

    i = what.add_parser("interest", help="interest on late contributions")
    i.add_argument("--principal", required=True, type=_non_negative)
    i.add_argument("--start", type=_date, help="first day of delinquency")
    i.add_argument("--deduction-date", type=_date, help="derive the start from the deduction")
    i.add_argument(
        "--kind",
        choices=[k.value for k in deadlines.ContributionKind],
        default=deadlines.ContributionKind.MEMBER.value,
    )
    i.add_argument("--received", required=True, type=_date, help="date the money was received")
    i.add_argument("--fund-rate", type=_non_negative, help="one fund earning rate, e.g. 0.06")
    i.add_argument("--fund-rate-file", type=Path, help="YAML rate table (parameters format)")
    i.add_argument("--prejudgment-rate", type=_non_negative)
    i.add_argument("--prejudgment-rate-file", type=Path)
    i.set_defaults(handler=_cmd_interest)

    b = what.add_parser("buyback", help="cost of a buyback and its payment options")
    b.add_argument("--service-type", required=True, choices=[t.value for t in buybacks.ServiceType])
    b.add_argument("--service-start", required=True, type=_date)
    b.add_argument("--service-end", required=True, type=_date)
    b.add_argument("--annual-salary", required=True, type=_non_negative)
    b.add_argument("--application-date", required=True, type=_date)
    b.add_argument(
        "--window-start",
        required=True,
        type=_date,
        help="later of the membership date and the last day of the leave or arrangement",
    )
    b.add_argument(
        "--quote-date", type=_date, help="quote mailing date (default: the application date)"
    )
    b.add_argument("--share", type=_ratio, default=Decimal(1), help="share of full time bought")
    b.add_argument("--classified", action="store_true", help="classified full/part-time member")
    b.add_argument(
        "--on-unpaid-leave", action="store_true", help="the member is on an unpaid leave"
    )
    b.add_argument(
        "--lump-sum",
        type=_positive,
        help="the lump-sum part of a combined option: may the rest be financed, and why",
    )
    b.add_argument("--interest-rate", type=_non_negative, help="annual rate for financing")
    b.add_argument(
        "--frequency", choices=[f.value for f in Frequency], default=Frequency.BIWEEKLY.value
    )
    b.add_argument("--payment", type=_positive, help="payment a pay (default: the minimum)")
    b.set_defaults(handler=_cmd_buyback)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for a usage error)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except ParameterNotInForce as exc:
        return _fail(f"{exc} (the rules have no value for that date)")
    except (UsageError, ValueError, LookupError, ArithmeticError) as exc:
        return _fail(str(exc))


def _fail(message: str) -> int:
    first_line = " ".join(message.split())
    sys.stderr.write(f"{PROG}: error: {first_line}\n")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
