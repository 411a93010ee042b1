"""Social insurance numbers.

A SIN is 9 digits with a Luhn check digit. SINs starting with 0 or 8 are never issued
(0 is reserved for fictitious numbers, 8 for business numbers); 9 marks a temporary
resident's SIN, valid but worth a warning. An Employee ID must never be a SIN
(select-employer-manual.txt §2 'Member Information').
"""

from __future__ import annotations

from pensionportal.datafiles.errors import CellError


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def normalise(text: str) -> str:
    """The SIN as 9 digits, or :class:`CellError` (format, never issued, check digit)."""
    digits = text.replace(" ", "").replace("-", "")
    if len(digits) != 9 or not digits.isdigit() or not digits.isascii():
        raise CellError("sin.format", "A SIN must be 9 digits (e.g. 123 456 789).")
    if digits[0] in "08":
        raise CellError(
            "sin.never_issued",
            f"A SIN never starts with {digits[0]}; please check the number.",
        )
    if not luhn_valid(digits):
        raise CellError("sin.check_digit", "This SIN is not valid (its check digit is wrong).")
    return digits


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
