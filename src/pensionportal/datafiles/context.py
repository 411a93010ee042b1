"""Settings of one validation run that are not in the file."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pensionportal.rules.contributions import Participation, Plan

DEFAULT_TOLERANCE = Decimal("0.05")


@dataclass(frozen=True)
class ValidationContext:
    """``plan``: the PAY template is OPTrust Select's; expected contributions are checked for
    Select only. ``participation``: the employer's plan participation (for the 0.2% special
    contribution; None = not checked). ``tolerance``: largest difference, per amount, from
    the expected contribution without a warning. ``file_sha256``: hash of the uploaded
    bytes, to catch a file submitted twice (None = not checked)."""

    plan: Plan = Plan.SELECT
    participation: Participation | None = None
    tolerance: Decimal = DEFAULT_TOLERANCE
    file_sha256: str | None = None
