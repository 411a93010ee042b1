"""Problems found in a data file, and the catalogue of rules that find them.

Every problem names the row (as numbered in the original file, 1 = first row), the column
(its label), the value as given, the rule (a short code from :data:`RULES`), a plain
message for a payroll clerk and a severity: errors block a submission, warnings need the
user's confirmation.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from pensionportal.datafiles.fields import TemplateSpec
from pensionportal.rules import parameters

# The first year of prior service an employer reports when it joins OPTrust Select.
PRIOR_SERVICE_FROM = parameters.load("select_prior_service_from").date_at(dt.date.today())


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None
    column: str | None
    value: str
    rule: str
    message: str
    severity: Severity
    field: str | None = None
    """The spec field key (e.g. ``employee_id``), for online forms; None for file-level."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True, slots=True)
class Rule:
    """One validation rule: its code, severity, what it checks and its source."""

    code: str
    severity: Severity
    summary: str
    source: str

    def problem(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str = "",
        field: str | None = None,
    ) -> Problem:
        return Problem(row, column, value, self.code, message, self.severity, field)


E = Severity.ERROR
W = Severity.WARNING
MANUAL = "select-employer-manual.txt §2"
CONTENT = f"{MANUAL} 'Content'"
CHOICE = "docs/datafiles.md 'Choices' (the seed is silent)"
HISTORY = "docs/datafiles.md 'Checks from the payroll history' (issue 16; the seed is silent)"

_ALL = (
    # -- the file as a whole
    Rule("file.empty", E, "The file has no data.", CHOICE),
    Rule("file.too_large", E, "The file is larger than the upload limit.", CHOICE),
    Rule("file.too_many_rows", E, "The file has more rows than the limit.", CHOICE),
    Rule("file.format", E, "The file is not a CSV or XLSX file that can be read.", MANUAL),
    Rule("file.encoding", E, "A CSV file is not UTF-8 or Windows-1252 text.", CHOICE),
    Rule("file.unsafe", E, "An XLSX file is a zip bomb or holds XML entities.", CHOICE),
    Rule("file.template_unknown", E, "Which template the file follows cannot be told.", MANUAL),
    Rule("file.duplicate", E, "The very same file was submitted before.", CHOICE),
    # -- columns
    Rule("column.missing", E, "A mandatory column is absent.", MANUAL),
    Rule("column.unknown", W, "A column is not part of the template; it is ignored.", MANUAL),
    Rule("column.duplicate", E, "Two columns have the same heading.", CHOICE),
    Rule("row.extra_cells", E, "A row has values beyond the last heading.", CHOICE),
    # -- cells
    Rule("value.required", E, "A mandatory value is blank.", MANUAL),
    Rule("value.conditional", E, "A value required by another value is blank.", MANUAL),
    Rule("value.too_long", E, "Text longer than the field allows.", CHOICE),
    Rule("value.code", E, "Not one of the valid entries.", MANUAL),
    Rule("value.number", E, "Not a number.", MANUAL),
    Rule("value.decimals", E, "Too many decimal places.", MANUAL),
    Rule("value.range", E, "A number outside its allowed range.", MANUAL),
    Rule("value.whole_dollars", E, "An amount not rounded to the dollar.", f"{MANUAL} 'PA'"),
    Rule("value.year", E, "Not a four-digit year.", MANUAL),
    Rule("value.text", E, "Text with characters the field does not accept.", CHOICE),
    Rule("date.format", E, "A date not written YYYY-MM-DD or D-Mon-YYYY.", CHOICE),
    Rule("date.ambiguous", E, "A date such as 04/08/2011 that could be April or August.", CHOICE),
    Rule("date.invalid", E, "A date that does not exist (e.g. 2023-02-30).", MANUAL),
    Rule("postal_code.format", E, "A Canadian postal code not in the form A9A9A9.", MANUAL),
    Rule("province.code", E, "Not a Canadian province or territory code.", MANUAL),
    Rule("country.format", E, "Not a three-letter country code.", MANUAL),
    Rule("phone.format", E, "A phone number that is not 10 digits.", MANUAL),
    Rule("email.format", E, "Not an e-mail address in standard format.", MANUAL),
    Rule("sin.format", E, "A SIN that is not 9 digits.", f"{MANUAL} 'Enrolment Data'"),
    Rule("sin.check_digit", E, "A SIN whose check digit is wrong (Luhn).", CHOICE),
    Rule("sin.never_issued", E, "A SIN starting with 0 or 8, never issued.", CHOICE),
    Rule("sin.temporary", W, "A SIN starting with 9: temporary resident.", CHOICE),
    Rule("sin.in_use", E, "The SIN belongs to another employee.", CHOICE),
    Rule("employee_id.format", E, "An Employee ID with spaces or symbols.", CHOICE),
    Rule(
        "employee_id.is_sin",
        E,
        "The Employee ID is the employee's SIN.",
        f"{MANUAL} 'Member Information'",
    ),
    Rule(
        "employee_id.looks_like_sin",
        W,
        "The Employee ID looks like a SIN.",
        f"{MANUAL} 'Member Information'",
    ),
    Rule("row.duplicate", E, "The same record appears twice in the file.", CHOICE),
    Rule("row.pair", E, "A type given without its value, or a value without its type.", CHOICE),
    Rule("address.incomplete", E, "Part of an address without the rest.", MANUAL),
    Rule("dates.order", E, "Dates in the wrong order (e.g. start after end).", MANUAL),
    Rule("dates.future", W, "A date in the future where a past date is expected.", CHOICE),
    Rule(
        "enrol.ratio_type",
        W,
        "Employment ratio unusual for the employment type.",
        f"{MANUAL} 'Enrolment Data'",
    ),
    Rule(
        "phone.extension",
        W,
        "An extension for a phone that is not a business phone.",
        f"{MANUAL} 'Enrolment Data'",
    ),
    Rule(
        "leave.disability_date",
        W,
        "A disability date for a leave that is not illness or LTIP.",
        f"{MANUAL} 'Leave Data'",
    ),
    Rule(
        "priorsvc.year",
        E,
        f"A prior-service year before the later of {PRIOR_SERVICE_FROM:%Y} (the parameter "
        "select_prior_service_from) and the hire year, or after the membership year.",
        f"{MANUAL} 'Prior Service Data'",
    ),
    Rule(
        "priorsvc.hours",
        W,
        "More hours than full time for the year.",
        f"{MANUAL} 'Prior Service Data'",
    ),
    Rule("pay.header_rows", E, "A PAY file must hold exactly one header record.", CHOICE),
    Rule("pay.no_detail", E, "A PAY file without detail rows.", f"{MANUAL} 'Contribution Data'"),
    Rule(
        "pay.remittance_total",
        E,
        "Remittance amount differs from the sum of contributions.",
        f"{MANUAL} 'Contribution Data'",
    ),
    Rule("pay.negative", E, "A negative amount on a Normal or Retroactive row.", CHOICE),
    Rule("pay.pay_date", W, "Pay date before the pay period starts.", CHOICE),
    Rule(
        "pay.buyback_code",
        E,
        "A buyback code without a buyback contribution.",
        "reporting-pension-data.txt 'Buyback deductions' 'Codes'",
    ),
    Rule(
        "pay.buyback_code_missing",
        W,
        "A buyback contribution without a buyback code.",
        "reporting-pension-data.txt 'Buyback deductions' 'Codes'",
    ),
    Rule(
        "pay.expected_contribution",
        W,
        "Reported contribution differs from the plan's formula.",
        "select-employer-manual.txt §1 'Calculation and Deduction of Pension Contributions'",
    ),
    Rule(
        "pay.rates_not_on_record",
        W,
        "The plan's contribution rates for the pay date are not on record: not checked.",
        CHOICE,
    ),
    Rule(
        "pay.duplicate_remittance",
        E,
        "Same pay period and payment reference submitted before.",
        CHOICE,
    ),
    Rule("pay.duplicate_detail", W, "Two detail rows for one employee, type and period.", CHOICE),
    Rule(
        "pay.above_ceiling",
        W,
        "Pensionable pay above a multiple (pay_ceiling_multiple) of the period's share of the "
        "annual pay rate on record.",
        HISTORY,
    ),
    Rule(
        "pay.hours_above_full_time",
        W,
        "Pensionable hours above full time for the period (weekly standard hours on record).",
        f"{MANUAL} 'Contribution Data'; {HISTORY}",
    ),
    Rule(
        "pay.paid_on_leave",
        W,
        "Regular pay for a member on a leave (LOA) that began before the period.",
        f"{MANUAL} 'Leave Data'; {HISTORY}",
    ),
    Rule(
        "pay.pay_changed",
        W,
        "Pensionable pay changed by more than pay_change_warning_percent from the member's "
        "last period, with no EMCHG.",
        HISTORY,
    ),
    Rule(
        "pay.member_missing",
        W,
        "A member paid in the last applied period has no row, and no TER or LOA explains it.",
        f"{MANUAL} 'Contribution Data', 'Termination Data', 'Leave Data'",
    ),
    Rule(
        "pay.starter_missing",
        W,
        "An enrolled member who was never paid has no row (their first pay is missing).",
        f"{MANUAL} 'Enrolment Data', 'Contribution Data'",
    ),
    Rule(
        "pay.buyback_missing",
        W,
        "A buyback deduction due under a deduction direction (form 1016) is not reported.",
        "reporting-pension-data.txt 'Buyback deductions'",
    ),
    Rule(
        "pay.buyback_amount",
        W,
        "A buyback deduction reported at an amount other than its direction's (form 1016).",
        "reporting-pension-data.txt 'Buyback deductions'",
    ),
    Rule(
        "registry.unknown_employee",
        E,
        "The Employee ID is not an enrolled member.",
        f"{MANUAL} 'Member Information'",
    ),
    Rule(
        "registry.already_enrolled",
        E,
        "Enrolling an employee who is already a member.",
        f"{MANUAL} 'Enrolment Data'",
    ),
    Rule(
        "registry.no_open_leave",
        E,
        "A return to work without an open leave.",
        f"{MANUAL} 'Return to Work Data'",
    ),
    Rule(
        "registry.leave_already_open",
        W,
        "A new leave while one is still open.",
        f"{MANUAL} 'Leave Data'",
    ),
    Rule(
        "registry.before_hire",
        E,
        "A termination (or change) dated before the hire date.",
        f"{MANUAL} 'Termination Data'",
    ),
    Rule(
        "registry.after_termination",
        E,
        "Contributions for a period after the termination date.",
        f"{MANUAL} 'Termination Data'",
    ),
    Rule(
        "registry.before_membership",
        W,
        "Contributions for a period before the plan membership date.",
        f"{MANUAL} 'Contribution Data'",
    ),
    Rule(
        "registry.already_terminated",
        W,
        "Terminating a member who is already terminated.",
        f"{MANUAL} 'Termination Data'",
    ),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _ALL}


def rule(code: str) -> Rule:
    return RULES[code]


@dataclass(frozen=True, slots=True)
class FieldColumn:
    """One field's column of a template: a problem found in it names both the column's
    label (for the clerk) and the field's key (for online forms)."""

    field: str
    label: str

    @classmethod
    def of(cls, template: TemplateSpec, field: str) -> FieldColumn:
        return cls(field, template.label(field))

    def problem(self, code: str, message: str, row: int | None, value: str = "") -> Problem:
        return rule(code).problem(
            message, row=row, column=self.label, value=value, field=self.field
        )
