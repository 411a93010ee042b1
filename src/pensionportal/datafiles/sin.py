"""Social insurance numbers.

A SIN is 9 digits with a Luhn check digit. SINs starting with 0 or 8 are never issued
(0 is reserved for fictitious numbers, 8 for business numbers); 9 marks a temporary
resident's SIN, valid but worth a warning. An Employee ID must never be a SIN
(select-employer-manual.txt §2 'Member Information').
"""

from __future__ import annotations

from stdnum.ca import sin as stdnum_sin
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError

from pensionportal.datafiles.errors import CellError


def normalise(text: str) -> str:
    """The SIN as 9 digits, or :class:`CellError` (format, never issued, check digit):
    python-stdnum's `stdnum.ca.sin` checks it; the messages are the portal's."""
    try:
        return str(stdnum_sin.validate(text))
    except InvalidComponent:
        digits = stdnum_sin.compact(text)
        raise CellError(
            "sin.never_issued",
            f"A SIN never starts with {digits[0]}; please check the number.",
        ) from None
    except InvalidChecksum:
        raise CellError(
            "sin.check_digit", "This SIN is not valid (its check digit is wrong)."
        ) from None
    except ValidationError:
        raise CellError("sin.format", "A SIN must be 9 digits (e.g. 123 456 789).") from None


def looks_like_sin(text: str) -> bool:
    """True when ``text`` would pass as a valid SIN (used to catch SINs as Employee IDs)."""
    try:
        normalise(text)
    except CellError:
        return False
    return True


def is_temporary(digits: str) -> bool:
    return digits.startswith("9")


def mask(text: str) -> str:
    """Show only the last three digits: '*** *** 544'."""
    digits = "".join(c for c in text if c.isdigit())
    return "*** *** " + digits[-3:] if len(digits) >= 3 else "***"
