"""Spreadsheet-safe text (OWASP "CSV Injection"): a value that a spreadsheet could take
for a formula - starting with = + - @, a tab or a carriage return - is prefixed with a
single quote, so it is shown as text and never run. Used for every exported cell, CSV
and XLSX alike. Characters XML cannot hold are replaced so an XLSX can always be written.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_text(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_xml_text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", safe_text(value))
