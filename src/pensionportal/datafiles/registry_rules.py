"""Rules against the member registry (through :class:`RegistryView`, one batch per file).

Sources: select-employer-manual.txt §2 'Member Information' (Employee ID identifies the
member), 'Enrolment Data', 'Termination Data', 'Leave Data', 'Return to Work Data',
'Contribution Data'.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from pensionportal.datafiles import sin
from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.model import ParsedFile, Row
from pensionportal.datafiles.pay_rules import periods
from pensionportal.datafiles.problems import FieldColumn, Problem, rule
from pensionportal.datafiles.registry import MemberFacts, RegistryView, RemittanceKey
from pensionportal.datafiles.suggest import Suggester, did_you_mean


def employee_ids(parsed: ParsedFile) -> set[str]:
    ids = set(parsed.column("employee_id"))
    ids.discard(None)
    return ids  # type: ignore[return-value]


def _problem(code: str, message: str, row: Row, parsed: ParsedFile, key: str) -> Problem:
    value = row.values.get(key)
    shown = value.isoformat() if isinstance(value, dt.date) else str(value or "")
    return FieldColumn.of(parsed.template, key).problem(code, message, row.number, shown)


class _Unknown:
    """The message for an Employee ID that is not enrolled, with "did you mean" when an
    enrolled ID is a look-alike (the registry's IDs are indexed on the first unknown one)."""

    def __init__(self, registry: RegistryView) -> None:
        self.registry = registry
        self._suggest: Suggester | None = None

    def __call__(self, employee: str) -> str:
        if self._suggest is None:
            self._suggest = Suggester(self.registry.employee_ids_on_record())
        suggestion = did_you_mean(self._suggest(employee))
        return (
            f"Employee ID {employee} is not an enrolled member.{suggestion}"
            " Check the ID, or send the ENROL record first."
        )


def check_registry(
    parsed: ParsedFile,
    registry: RegistryView,
    context: ValidationContext,
    problems: list[Problem],
) -> dict[str, MemberFacts]:
    """Registry checks; returns the facts looked up (reused by the contribution check)."""
    code = parsed.template.code
    if context.file_sha256 and registry.file_submitted(context.file_sha256):
        problems.append(
            rule("file.duplicate").problem(
                "This very file was submitted before. If you meant to correct it, change "
                "the data and submit the corrected file."
            )
        )
    if code == "PAY":
        _check_remittance_key(parsed, registry, problems)
    if code in ("OPTN", "PRIORSVC"):
        return {}
    facts = dict(registry.members(employee_ids(parsed)))
    if code == "ENROL":
        _check_enrolment(parsed, facts, registry, problems)
        return facts
    if code == "PERCHG":
        _sins_in_use(parsed, registry, "new_sin", problems)
    unknown = _Unknown(registry)
    if code == "PAY":
        _check_pay(parsed, facts, unknown, problems)
        return facts
    for row in parsed.rows:
        employee = row.values.get("employee_id")
        if not isinstance(employee, str):
            continue
        member = facts.get(employee)
        if member is None:
            problems.append(
                _problem(
                    "registry.unknown_employee",
                    unknown(str(employee)),
                    row,
                    parsed,
                    "employee_id",
                )
            )
            continue
        if code == "TER":
            _check_termination(parsed, row, member, problems)
        elif code == "LOA":
            _check_leave(parsed, row, member, problems)
        elif code == "RTW":
            _check_return(parsed, row, member, problems)
        elif code == "EMCHG":
            _before_hire(parsed, row, member, "effective_date", problems)
    return facts


def _check_remittance_key(
    parsed: ParsedFile, registry: RegistryView, problems: list[Problem]
) -> None:
    header = parsed.header
    if header is None:
        return
    start, end = header.values.get("period_start"), header.values.get("period_end")
    reference = header.values.get("payment_reference")
    if (
        isinstance(start, dt.date)
        and isinstance(end, dt.date)
        and isinstance(reference, str)
        and registry.remittance_submitted(RemittanceKey(start, end, reference))
    ):
        problems.append(
            FieldColumn.of(parsed.template, "payment_reference").problem(
                "pay.duplicate_remittance",
                f"A PAY file for the pay period {start} to {end} with payment reference "
                f"{reference} was already submitted.",
                header.number,
                reference,
            )
        )


def _check_enrolment(
    parsed: ParsedFile,
    facts: dict[str, MemberFacts],
    registry: RegistryView,
    problems: list[Problem],
) -> None:
    for row in parsed.rows:
        employee, hired = row.values.get("employee_id"), row.values.get("hire_date")
        member = facts.get(employee) if isinstance(employee, str) else None
        if member is not None and (
            member.termination_date is None
            or not isinstance(hired, dt.date)
            or hired <= member.termination_date
        ):
            problems.append(
                _problem(
                    "registry.already_enrolled",
                    f"Employee ID {employee} is already an enrolled member. Send a PERCHG or "
                    "EMCHG record for changes.",
                    row,
                    parsed,
                    "employee_id",
                )
            )
    _sins_in_use(parsed, registry, "sin", problems)


def _sins_in_use(
    parsed: ParsedFile, registry: RegistryView, key: str, problems: list[Problem]
) -> None:
    """A SIN in the column of `key` (ENROL's SIN, PERCHG's New SIN) already registered to
    another Employee ID."""
    sins = {v for row in parsed.rows if isinstance(v := row.values.get(key), str)}
    if not sins:
        return
    owners = registry.sin_owners(sins)
    column = FieldColumn.of(parsed.template, key)
    for row in parsed.rows:
        number = row.values.get(key)
        owner = owners.get(number) if isinstance(number, str) else None
        if owner is not None and owner != row.values.get("employee_id"):
            problems.append(
                column.problem(
                    "sin.in_use",
                    f"This SIN is already registered to Employee ID {owner}.",
                    row.number,
                    sin.mask(str(number)),
                )
            )


_TERMINATION = attrgetter("termination_date")
_MEMBERSHIP = attrgetter("membership_date")


def _check_pay(
    parsed: ParsedFile, facts: dict[str, MemberFacts], unknown: _Unknown, problems: list[Problem]
) -> None:
    """Unknown members; contributions after termination or before membership."""
    starts, ends = periods(parsed)
    column = FieldColumn.of(parsed.template, "employee_id")
    get = facts.get
    ids = parsed.column("employee_id")
    known = list(map(get, ids))  # type: ignore[arg-type]
    earliest_end = min(filter(None, ends), default=None)
    latest_start = max(filter(None, starts), default=None)
    # Whole-column bounds (C-level passes): a member terminated before the latest period
    # starts, or who joined after the earliest one ends, is a row to look at.
    everyone = facts.values()
    first_end = min(filter(None, map(_TERMINATION, everyone)), default=None)
    last_join = max(filter(None, map(_MEMBERSHIP, everyone)), default=None)
    nothing_to_check = not (
        (first_end is not None and latest_start is not None and first_end < latest_start)
        or (last_join is not None and earliest_end is not None and last_join > earliest_end)
    )
    if nothing_to_check and None not in known:
        return  # every member known, none terminated before or joined after the period
    for number, employee, start, end in zip(parsed.rows.numbers, ids, starts, ends, strict=True):
        if employee is None:
            continue
        member = get(employee)  # type: ignore[arg-type]
        if member is None:
            problems.append(
                column.problem(
                    "registry.unknown_employee",
                    unknown(str(employee)),
                    number,
                    str(employee),
                )
            )
            continue
        ended, joined = member.termination_date, member.membership_date
        if ended is not None and start is not None and start > ended:
            problems.append(
                column.problem(
                    "registry.after_termination",
                    f"Contributions for a period starting {start}, after the member's "
                    f"termination on {ended}.",
                    number,
                    str(employee),
                )
            )
        if joined is not None and end is not None and end < joined:
            problems.append(
                column.problem(
                    "registry.before_membership",
                    f"Contributions for a period ending {end}, before the member's plan "
                    f"membership date {joined}.",
                    number,
                    str(employee),
                )
            )


def _before_hire(
    parsed: ParsedFile, row: Row, member: MemberFacts, key: str, problems: list[Problem]
) -> None:
    when, hired = row.values.get(key), member.hire_date
    if isinstance(when, dt.date) and hired is not None and when < hired:
        problems.append(
            _problem(
                "registry.before_hire",
                f"{parsed.template.label(key)} {when} is before the member's hire date {hired}.",
                row,
                parsed,
                key,
            )
        )


def _check_termination(
    parsed: ParsedFile, row: Row, member: MemberFacts, problems: list[Problem]
) -> None:
    _before_hire(parsed, row, member, "termination_date", problems)
    if member.termination_date is not None:
        problems.append(
            _problem(
                "registry.already_terminated",
                f"This member was already terminated on {member.termination_date}.",
                row,
                parsed,
                "termination_date",
            )
        )


def _check_leave(
    parsed: ParsedFile, row: Row, member: MemberFacts, problems: list[Problem]
) -> None:
    _before_hire(parsed, row, member, "leave_start", problems)
    if member.open_leave_start is not None:
        problems.append(
            _problem(
                "registry.leave_already_open",
                f"A leave that started {member.open_leave_start} is still open; send its RTW "
                "record first if it has ended.",
                row,
                parsed,
                "leave_start",
            )
        )


def _check_return(
    parsed: ParsedFile, row: Row, member: MemberFacts, problems: list[Problem]
) -> None:
    started = member.open_leave_start
    if started is None:
        problems.append(
            _problem(
                "registry.no_open_leave",
                "There is no open leave for this member to return from. Send the LOA record first.",
                row,
                parsed,
                "leave_end",
            )
        )
        return
    ended = row.values.get("leave_end")
    if isinstance(ended, dt.date) and ended < started:
        problems.append(
            _problem(
                "dates.order",
                f"Leave End Date {ended} is before the leave started ({started}).",
                row,
                parsed,
                "leave_end",
            )
        )
