"""Money helpers: amounts are :class:`~decimal.Decimal`, rounded once, to the cent, half up."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up (0.005 -> 0.01): the usual payroll rounding."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def up_to_cents(amount: Decimal) -> Decimal:
    """Round up to the next cent (used for a level payment, so that it never falls short)."""
    return amount.quantize(CENT, rounding=ROUND_CEILING)
