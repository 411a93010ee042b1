"""All the checks on a parsed file, at once: :func:`validate`."""

from __future__ import annotations

from pensionportal.datafiles import pay_rules, row_rules
from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.gcpause import without_gc
from pensionportal.datafiles.history_rules import check_history
from pensionportal.datafiles.model import ParsedFile
from pensionportal.datafiles.problems import Problem
from pensionportal.datafiles.registry import RegistryView
from pensionportal.datafiles.registry_rules import check_registry


@without_gc
def validate(
    parsed: ParsedFile,
    registry: RegistryView,
    context: ValidationContext | None = None,
) -> list[Problem]:
    """Every problem in the file: those found while reading, the row and file rules, the
    registry rules and (PAY) the expected contributions and the checks against the payroll
    history. Sorted by row; file-level first."""
    context = context or ValidationContext()
    problems = list(parsed.problems)
    row_rules.check_rows(parsed, problems)
    if parsed.template.code == "PAY":
        pay_rules.check_header(parsed, problems)
        pay_rules.check_details(parsed, problems)
        pay_rules.check_remittance_total(parsed, problems)
        row_rules.check_duplicates(parsed, "pay.duplicate_detail", problems)
    facts = check_registry(parsed, registry, context, problems)
    if parsed.template.code == "PAY":
        pay_rules.check_expected_contributions(parsed, facts, context, problems)
        check_history(parsed, facts, registry, problems)
    problems.sort(key=lambda p: -1 if p.row is None else p.row)
    return problems
