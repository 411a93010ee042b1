"""One parser per field kind: a cell (CSV text or XLSX value) to a typed value.

Parsers return None for a blank cell and raise :class:`CellError` with a rule code and a
plain message for a bad one (the reader reports blanks in mandatory fields). The frequent
kinds (money, hours, text, codes, Employee IDs, dates) have a fast path for well-formed
text, since a PAY file may hold a million cells. Typed values: ``str``
for text and codes (normalised: codes upper-case as in the manual, postal codes without
spaces, phone numbers as 10 digits), ``Decimal`` for money, hours and ratios, ``int`` for
years and whole-dollar amounts, ``datetime.date`` for dates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from pensionportal.datafiles import sin as sin_rules
from pensionportal.datafiles.dates import parse_date_cell
from pensionportal.datafiles.errors import CellError
from pensionportal.datafiles.fields import Field, Kind

Value = str | Decimal | int | dt.date
Parser = Callable[[object], Value | None]
"""Cell -> typed value; None for a blank cell; raises CellError for a bad one."""

_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?").fullmatch
_LOOSE_NUMBER = re.compile(r"([-+]?)\$?(\d{1,3}(?:,\d{3})+|\d*)(\.\d*)?").fullmatch
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]").search
_EMPLOYEE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*").fullmatch
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
).fullmatch
_PHONE_PUNCTUATION = str.maketrans("", "", " -().+")
_LETTERS2 = re.compile(r"[A-Z]{2}").fullmatch
_LETTERS3 = re.compile(r"[A-Z]{3}").fullmatch
_POSTAL = re.compile(r"[A-Z0-9]{3,10}").fullmatch


def as_text(cell: object) -> str:
    """The cell as text, as a clerk would read it (whole-number floats without '.0')."""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    if cell is None:
        return ""
    return str(cell)


def is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and (not cell or cell.isspace()))


def _number(cell: object) -> tuple[Decimal, int]:
    """A number and its count of decimal places; accepts 1,234.56, $12.00 and (12.00)."""
    if isinstance(cell, str):
        text = cell.strip()
        if _PLAIN_NUMBER(text):
            point = text.find(".")
            return Decimal(text), (len(text) - point - 1 if point >= 0 else 0)
        return _loose_number(text)
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        raise CellError("value.number", f"'{as_text(cell)}' is not a number.")
    if (isinstance(cell, float) and not cell == cell) or cell in (float("inf"), float("-inf")):
        raise CellError("value.number", "This is not a number.")
    number = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1)), 0
    return number, max(0, -exponent)


def _loose_number(text: str) -> tuple[Decimal, int]:
    negative = text.startswith("(") and text.endswith(")")
    inner = text[1:-1].strip() if negative else text
    match = _LOOSE_NUMBER(inner)
    if not match or not (match[2] or (match[3] and len(match[3]) > 1)):
        raise CellError("value.number", f"'{text}' is not a number.")
    sign = "-" if negative or match[1] == "-" else ""
    if negative and match[1]:
        raise CellError("value.number", f"'{text}' is not a number.")
    fraction = match[3] or ""
    try:
        number = Decimal(sign + match[2].replace(",", "") + (fraction if fraction != "." else ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        raise CellError("value.number", f"'{text}' is not a number.") from None
    return number, max(0, len(fraction) - 1)


def _ranged(field: Field) -> Callable[[Decimal, object], None]:
    low, high, exclusive = field.minimum, field.maximum, field.minimum_exclusive

    def describe() -> str:
        if low is not None and high is not None:
            return (
                f"more than {low} and at most {high}" if exclusive else f"between {low} and {high}"
            )
        if low is not None:
            return f"more than {low}" if exclusive else f"at least {low}"
        return f"at most {high}"

    def check(number: Decimal, cell: object) -> None:
        if (low is not None and (number < low or (exclusive and number == low))) or (
            high is not None and number > high
        ):
            raise CellError(
                "value.range",
                f"{field.label} must be {describe()}; {as_text(cell)} was given.",
            )

    return check


def _decimal_parser(field: Field) -> Parser:
    places = field.decimals if field.decimals is not None else 2
    in_range = _ranged(field)
    unit = "cents" if field.kind is Kind.MONEY else "decimal places"
    allowed = f"{places} {unit}" if field.kind is not Kind.MONEY else "cents"

    fraction = rf"(?:\.\d{{1,{places}}})?" if places else ""
    fast = re.compile(rf"-?\d{{1,15}}{fraction}").fullmatch
    bounded = field.minimum is not None or field.maximum is not None

    def slow(cell: object) -> Decimal:
        number, decimals = _number(cell)
        if decimals > places:
            raise CellError(
                "value.decimals",
                f"{field.label} takes at most {allowed}; {as_text(cell)} has more.",
            )
        in_range(number, cell)
        return number

    def parse(cell: object) -> Decimal | None:
        if cell.__class__ is str and fast(cell):
            number = Decimal(cell)
            if bounded:
                in_range(number, cell)
            return number
        if is_blank(cell):
            return None
        return slow(cell)

    return parse


def _whole_dollars_parser(field: Field) -> Parser:
    in_range = _ranged(field)

    def parse(cell: object) -> int:
        number, _ = _number(cell)
        if number != number.to_integral_value():
            raise CellError(
                "value.whole_dollars",
                f"{field.label} must be rounded to the nearest dollar (e.g. 1257); "
                f"{as_text(cell)} was given.",
            )
        in_range(number, cell)
        return int(number)

    return parse


def _year_parser(field: Field) -> Parser:
    low = int(field.minimum) if field.minimum is not None else 1900

    def parse(cell: object) -> int:
        text = as_text(cell)
        if len(text) != 4 or not text.isdigit():
            raise CellError("value.year", f"'{text}' is not a four-digit year (e.g. 2019).")
        year = int(text)
        if not low <= year <= 2099:
            raise CellError("value.range", f"{field.label} must be {low} or later; {text} given.")
        return year

    return parse


def _text_parser(field: Field) -> Parser:
    limit = field.max_length

    def slow(text: str) -> str:
        if limit is not None and len(text) > limit:
            raise CellError(
                "value.too_long",
                f"{field.label} takes at most {limit} characters; this has {len(text)}.",
            )
        if _CONTROL(text):
            raise CellError("value.text", f"{field.label} contains control characters.")
        return text

    most = limit if limit is not None else 1_000_000

    def parse(cell: object) -> str | None:
        text = cell.strip() if cell.__class__ is str else as_text(cell)
        if not text:
            return None
        if len(text) <= most and text.isprintable():
            return text
        return slow(text)

    return parse


def _employee_id_parser(field: Field) -> Parser:
    text_parser = _text_parser(field)
    limit = field.max_length or 20
    fast = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._/-]{{0,{limit - 1}}}").fullmatch

    def parse(cell: object) -> str | None:
        if cell.__class__ is str and fast(cell):
            return cell
        text = text_parser(cell)
        if text is None:
            return None
        assert isinstance(text, str)
        if not _EMPLOYEE_ID(text):
            raise CellError(
                "employee_id.format",
                "An Employee ID may hold letters, digits and . _ / - only, without spaces.",
            )
        return text

    return parse


def _code_parser(field: Field) -> Parser:
    lookup: dict[str, str] = {}
    for choice in field.choices:
        for spelling in (choice.code, *choice.aliases):
            lookup[spelling.upper()] = choice.code
            if spelling.isdigit():
                lookup[str(int(spelling))] = choice.code
    valid = ", ".join(field.choice_codes())
    exact = dict(lookup)
    exact.update({spelling.lower(): code for spelling, code in lookup.items()})

    def parse(cell: object) -> str | None:
        if cell.__class__ is str:
            found = exact.get(cell)
            if found is not None:
                return found
        text = as_text(cell)
        if not text:
            return None
        found = lookup.get(text.upper())
        if found is None:
            shown = text if len(text) <= 40 else text[:40] + "..."
            raise CellError(
                "value.code", f"'{shown}' is not a valid {field.label}. Valid entries: {valid}."
            )
        return found

    return parse


def _sin_parser(field: Field) -> Parser:
    def parse(cell: object) -> str:
        return sin_rules.normalise(as_text(cell))

    return parse


def _email_parser(field: Field) -> Parser:
    def parse(cell: object) -> str:
        text = as_text(cell)
        if len(text) > 254 or not _EMAIL(text):
            raise CellError(
                "email.format",
                f"{field.label} is not an e-mail address in standard format "
                "(e.g. example@optrustselect.com).",
            )
        return text

    return parse


def _phone_parser(field: Field) -> Parser:
    def parse(cell: object) -> str:
        digits = as_text(cell).translate(_PHONE_PUNCTUATION)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10 or not digits.isdigit() or digits[0] in "01":
            raise CellError(
                "phone.format", f"{field.label} must be a 10-digit number (e.g. 4161234567)."
            )
        return digits

    return parse


def _extension_parser(field: Field) -> Parser:
    def parse(cell: object) -> str:
        text = as_text(cell)
        if not text.isdigit() or not text.isascii() or len(text) > 6:
            raise CellError("phone.format", f"{field.label} must be 1 to 6 digits.")
        return text

    return parse


def _postal_code_parser(field: Field) -> Parser:
    def parse(cell: object) -> str:
        text = as_text(cell).upper().replace(" ", "").replace("-", "")
        if not _POSTAL(text):
            raise CellError(
                "postal_code.format", f"{field.label} must be written A9A9A9 (e.g. M5V3L9)."
            )
        return text

    return parse


def _province_parser(field: Field) -> Parser:
    def parse(cell: object) -> str:
        text = as_text(cell).upper()
        if not _LETTERS2(text):
            raise CellError("province.code", f"{field.label} must be a two-letter code (e.g. ON).")
        return text

    return parse


def _country_parser(field: Field) -> Parser:
    def parse(cell: object) -> str:
        text = as_text(cell).upper()
        if not _LETTERS3(text):
            hint = " Use CAN for Canada." if text in ("CA", "CANADA") else ""
            raise CellError(
                "country.format",
                f"{field.label} must be a three-letter code (e.g. CAN).{hint}",
            )
        return text

    return parse


def _date_parser(field: Field) -> Parser:
    memo: dict[str, dt.date] = {}

    def parse(cell: object) -> dt.date | None:
        if cell.__class__ is str:
            found = memo.get(cell)
            if found is None:
                if not cell or cell.isspace():
                    return None
                found = parse_date_cell(cell)
                if len(memo) < 4096:
                    memo[cell] = found
            return found
        if cell is None:
            return None
        return parse_date_cell(cell)

    return parse


_FACTORIES: dict[Kind, Callable[[Field], Parser]] = {
    Kind.TEXT: _text_parser,
    Kind.EMPLOYEE_ID: _employee_id_parser,
    Kind.CODE: _code_parser,
    Kind.DATE: _date_parser,
    Kind.MONEY: _decimal_parser,
    Kind.HOURS: _decimal_parser,
    Kind.RATIO: _decimal_parser,
    Kind.WHOLE_DOLLARS: _whole_dollars_parser,
    Kind.YEAR: _year_parser,
    Kind.SIN: _sin_parser,
    Kind.EMAIL: _email_parser,
    Kind.PHONE: _phone_parser,
    Kind.PHONE_EXTENSION: _extension_parser,
    Kind.POSTAL_CODE: _postal_code_parser,
    Kind.PROVINCE: _province_parser,
    Kind.COUNTRY: _country_parser,
}


_HANDLE_BLANKS = frozenset(
    (Kind.TEXT, Kind.EMPLOYEE_ID, Kind.CODE, Kind.DATE, Kind.MONEY, Kind.HOURS, Kind.RATIO)
)


def _blank_is_none(parse: Parser) -> Parser:
    def parse_or_none(cell: object) -> Value | None:
        return None if is_blank(cell) else parse(cell)

    return parse_or_none


def parser_for(field: Field) -> Parser:
    """A fresh parser for ``field`` (fresh so that per-file memos do not leak)."""
    parse = _FACTORIES[field.kind](field)
    return parse if field.kind in _HANDLE_BLANKS else _blank_is_none(parse)
