"""Rules across the fields of one row, and across rows of one file (no registry).

Generic rules come from the spec (date orders, type/value pairs, address groups, unique
keys); the few template-specific ones name their seed section.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from pensionportal.datafiles import sin
from pensionportal.datafiles.fields import AddressGroup, TemplateSpec
from pensionportal.datafiles.model import ParsedFile, Row
from pensionportal.datafiles.problems import FieldColumn, Problem
from pensionportal.datafiles.values import as_text
from pensionportal.rules import parameters
from pensionportal.rules.pay_cycles import weeks_per_year

CANADIAN_PROVINCES = frozenset(
    ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
)
# Canada Post: no D, F, I, O, Q or U; W and Z never first.
_FIRST = frozenset("ABCEGHJKLMNPRSTVXY")
_OTHER = frozenset("ABCEGHJKLMNPRSTVWXYZ")
HOURS_SLACK = Decimal("1.05")

_NINE_DIGITS = re.compile(r"^(?:\d{9}|\d{3}-\d{3}-\d{3})$", re.MULTILINE)

Check = Callable[[ParsedFile, Row, list[Problem]], None]


def is_canadian_postal_code(code: str) -> bool:
    return (
        len(code) == 6
        and code[0] in _FIRST
        and code[2] in _OTHER
        and code[4] in _OTHER
        and code[1].isdigit()
        and code[3].isdigit()
        and code[5].isdigit()
    )


def _value(row: Row, key: str) -> str:
    value = row.values.get(key)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return as_text(value) if not isinstance(value, (str, Decimal, int)) else str(value)


def check_date_orders(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    spec = parsed.template
    for order in spec.date_orders:
        earlier, later = row.values.get(order.earlier), row.values.get(order.later)
        if isinstance(earlier, dt.date) and isinstance(later, dt.date) and earlier > later:
            problems.append(
                FieldColumn.of(parsed.template, order.later).problem(
                    "dates.order",
                    f"{spec.label(order.earlier)} ({earlier}) is after "
                    f"{spec.label(order.later)} ({later}).",
                    row.number,
                    later.isoformat(),
                )
            )


def check_pairs(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    spec = parsed.template
    for pair in spec.pairs:
        kind, value = row.values.get(pair.type_key), row.values.get(pair.value_key)
        if (kind is None) == (value is None):
            continue
        missing, given = (
            (pair.type_key, pair.value_key)
            if kind is None
            else (
                pair.value_key,
                pair.type_key,
            )
        )
        field = spec.field(missing)
        if field.required or (field.required_when and field.required_when.holds(row.values)):
            continue  # already reported as a mandatory value
        problems.append(
            FieldColumn.of(spec, missing).problem(
                "row.pair",
                f"{spec.label(given)} is given, so {spec.label(missing)} is needed too.",
                row.number,
            )
        )


def _check_address(
    parsed: ParsedFile, group: AddressGroup, row: Row, problems: list[Problem]
) -> None:
    spec = parsed.template
    values = row.values
    if all(values.get(key) is None for key in group.field_keys()):
        return
    needed = [group.line1, group.city, group.province, group.country]
    if group.address_type:
        needed.insert(0, group.address_type)
    country = values.get(group.country)
    canadian = country in (None, "CAN")
    if canadian:
        needed.append(group.postal_code)
    for key in needed:
        field = spec.field(key)
        if values.get(key) is not None or field.required:
            continue
        if field.required_when is not None and field.required_when.holds(values):
            continue
        problems.append(
            FieldColumn(key, field.label).problem(
                "address.incomplete",
                f"Part of an address is given, so {field.label} is needed too.",
                row.number,
            )
        )
    province = values.get(group.province)
    if canadian and isinstance(province, str) and province not in CANADIAN_PROVINCES:
        problems.append(
            FieldColumn.of(spec, group.province).problem(
                "province.code",
                f"{province} is not a Canadian province or territory code (e.g. ON, QC, BC).",
                row.number,
                province,
            )
        )
    postal = values.get(group.postal_code)
    if canadian and isinstance(postal, str) and not is_canadian_postal_code(postal):
        problems.append(
            FieldColumn.of(spec, group.postal_code).problem(
                "postal_code.format",
                f"{postal} is not a Canadian postal code; write it A9A9A9 (e.g. M5V3L9).",
                row.number,
                postal,
            )
        )


def check_addresses(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    for group in parsed.template.address_groups:
        _check_address(parsed, group, row, problems)


def check_employee_id_not_sin(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    """select-employer-manual.txt §2 'Member Information': a SIN must not be the ID."""
    employee_id = row.values.get("employee_id")
    if not isinstance(employee_id, str):
        return
    compact = employee_id.replace("-", "")
    if not (len(compact) == 9 and compact.isdigit()):
        return
    sins = [row.values.get(k) for k in ("sin", "new_sin")]
    if compact in sins:
        problems.append(
            FieldColumn.of(parsed.template, "employee_id").problem(
                "employee_id.is_sin",
                "The Employee ID is the employee's social insurance number. Use your own "
                "employee number; a SIN must never be used as the identifier.",
                row.number,
                sin.mask(compact),
            )
        )
    elif sin.looks_like_sin(compact):
        problems.append(
            FieldColumn.of(parsed.template, "employee_id").problem(
                "employee_id.looks_like_sin",
                "The Employee ID looks like a social insurance number. If it is one, use your "
                "own employee number instead.",
                row.number,
                sin.mask(compact),
            )
        )


def check_employee_ids(parsed: ParsedFile, problems: list[Problem]) -> None:
    """Column-wise :func:`check_employee_id_not_sin` for large files without a SIN column."""
    ids = parsed.column("employee_id")
    joined = "\n".join(filter(None, ids))  # type: ignore[arg-type]
    if not _NINE_DIGITS.search(joined):
        return  # no Employee ID of 9 digits at all (the usual case)
    for number, employee in zip(parsed.rows.numbers, ids, strict=True):
        if isinstance(employee, str) and len(employee) in (9, 11):
            compact = employee.replace("-", "")
            if len(compact) == 9 and compact.isdigit() and sin.looks_like_sin(compact):
                problems.append(
                    FieldColumn.of(parsed.template, "employee_id").problem(
                        "employee_id.looks_like_sin",
                        "The Employee ID looks like a social insurance number. If it is one, "
                        "use your own employee number instead.",
                        number,
                        sin.mask(compact),
                    )
                )


def check_temporary_sin(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    for key in ("sin", "new_sin"):
        value = row.values.get(key)
        if isinstance(value, str) and sin.is_temporary(value):
            problems.append(
                FieldColumn.of(parsed.template, key).problem(
                    "sin.temporary",
                    "This SIN starts with 9: a temporary resident's SIN, which expires. "
                    "Please confirm it.",
                    row.number,
                    sin.mask(value),
                )
            )


def _given_only_with(
    parsed: ParsedFile,
    row: Row,
    when: tuple[str, str, tuple[str | None, ...]],
    code: str,
    message: str,
    problems: list[Problem],
) -> None:
    """`when` is (key, other, allowed): a value of `key` is only for a row whose `other` is
    one of `allowed`; otherwise a problem on `key`'s cell."""
    key, other, allowed = when
    if row.values.get(key) is not None and row.values.get(other) not in allowed:
        problems.append(
            FieldColumn.of(parsed.template, key).problem(
                code, message, row.number, _value(row, key)
            )
        )


def check_enrolment(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    """Employment ratio against type (FT is 1.00; PT less than 1) and phone extensions."""
    values = row.values
    kind, ratio = values.get("employment_type"), values.get("employment_ratio")
    if isinstance(ratio, Decimal) and (
        (kind == "FT" and ratio != 1) or (kind == "PT" and ratio == 1)
    ):
        problems.append(
            FieldColumn.of(parsed.template, "employment_ratio").problem(
                "enrol.ratio_type",
                f"Employment Ratio {ratio} is unusual for Employment Type {kind} "
                "(full time is 1.00, part time less than 1).",
                row.number,
                str(ratio),
            )
        )
    _given_only_with(
        parsed,
        row,
        ("phone_extension", "phone_type", ("BUS", "CELLB")),
        "phone.extension",
        "An extension is for business phone numbers (Phone Type BUS or CELLB).",
        problems,
    )


def check_leave(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    """select-employer-manual.txt §2 'Leave Data': disability date for ILL/LTIP leaves."""
    _given_only_with(
        parsed,
        row,
        ("disability_date", "leave_type", ("ILL", "LTIP", None)),
        "leave.disability_date",
        "A Disability Date is for illness/WSIB (ILL) or LTIP leaves only.",
        problems,
    )


def check_prior_service(parsed: ParsedFile, row: Row, problems: list[Problem]) -> None:
    """select-employer-manual.txt §2 'Prior Service Data': years from the later of the
    parameter `select_prior_service_from` (1987) and the hire year up to the membership year;
    hours at most a full-time year (standard weekly hours times the weeks in a year)."""
    values = row.values
    year, hire, member = values.get("year"), values.get("hire_date"), values.get("membership_date")
    if isinstance(year, int) and isinstance(hire, dt.date) and isinstance(member, dt.date):
        first = max(parameters.load("select_prior_service_from").date_at(hire).year, hire.year)
        if not first <= year <= member.year:
            problems.append(
                FieldColumn.of(parsed.template, "year").problem(
                    "priorsvc.year",
                    f"Year {year} is outside the prior-service years for this employee "
                    f"({first} to {member.year}).",
                    row.number,
                    str(year),
                )
            )
    hours, standard = values.get("hours_worked"), values.get("standard_hours")
    if isinstance(hours, Decimal) and isinstance(standard, Decimal):
        on = values.get("membership_date")
        full_year = standard * weeks_per_year(on if isinstance(on, dt.date) else dt.date.today())
        if hours > full_year * HOURS_SLACK:
            problems.append(
                FieldColumn.of(parsed.template, "hours_worked").problem(
                    "priorsvc.hours",
                    f"{hours} hours is more than a full-time year at {standard} hours a week "
                    f"(about {full_year:.0f}); hours exclude overtime.",
                    row.number,
                    str(hours),
                )
            )


_SPECIFIC: dict[str, tuple[Check, ...]] = {
    "ENROL": (check_temporary_sin, check_enrolment),
    "PERCHG": (check_temporary_sin,),
    "LOA": (check_leave,),
    "PRIORSVC": (check_prior_service,),
}


def checks_for(spec: TemplateSpec) -> tuple[Check, ...]:
    generic: list[Check] = [check_employee_id_not_sin]
    if spec.date_orders and not spec.has_header:
        generic.append(check_date_orders)
    if spec.pairs:
        generic.append(check_pairs)
    if spec.address_groups:
        generic.append(check_addresses)
    return (*generic, *_SPECIFIC.get(spec.code, ()))


def check_duplicates(parsed: ParsedFile, code: str, problems: list[Problem]) -> None:
    key_fields: Sequence[str] = parsed.template.unique_key
    seen: dict[tuple[object, ...], int] = {}
    first_column = parsed.column(key_fields[0])
    if len(set(first_column)) == len(first_column):
        return  # every row's first key field differs, so no two keys can be alike
    keys = list(zip(*(parsed.column(k) for k in key_fields), strict=True))
    if len(set(keys)) == len(keys):
        return  # no two rows alike (the usual case)
    for number, key in zip(parsed.rows.numbers, keys, strict=True):
        if key[0] is None:
            continue
        first = seen.setdefault(key, number)
        if first != number:
            problems.append(
                FieldColumn.of(parsed.template, key_fields[0]).problem(
                    code,
                    f"This row repeats row {first} (same "
                    + ", ".join(parsed.template.label(k) for k in key_fields)
                    + ").",
                    number,
                    str(key[0]),
                )
            )


def check_rows(parsed: ParsedFile, problems: list[Problem]) -> None:
    if parsed.template.has_header:  # PAY: column-wise rules in pay_rules
        check_employee_ids(parsed, problems)
        return
    checks = checks_for(parsed.template)
    for row in parsed.rows:
        for check in checks:
            check(parsed, row, problems)
    if not parsed.template.has_header:
        check_duplicates(parsed, "row.duplicate", problems)
