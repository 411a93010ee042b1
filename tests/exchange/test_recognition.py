from __future__ import annotations

import pytest

from pensionportal.exchange.pension_data import detect_template
from pensionportal.files.filenames import NameRefused, clean_name


@pytest.mark.parametrize(
    ("name", "head", "template"),
    [
        ("anything.csv", b"Employee ID,Last Name,Termination Date,Termination Reason\n", "TER"),
        (
            "x.csv",
            b"SIN,Employee ID,Last Name,First Name,Date of Birth,Plan Membership Date\n",
            "ENROL",
        ),
        ("x.txt", b"Employee ID\tLeave type\tLeave Start Date\n", "LOA"),
        ("x.csv", b"Employee ID,Leave End Date,Employment Type\n", "RTW"),
        ("x.csv", b"Employee ID,Effective Date,Event Type\n", "EMCHG"),
        ("x.csv", b"Employee ID,New SIN\n", "PERCHG"),
        (
            "x.csv",
            b"Employee ID,Hire Date,Year,Hours Worked,Annual Pensionable Pay\n",
            "PRIORSVC",
        ),
        ("x.csv", b"Employee ID,Last Name,Electronic Consent,Hire Date\n", "OPTN"),
        ("x.csv", b"Employee ID,Last Name,First Name,Year,Amount\n", "PA"),
        ("PAY_2026-01-15.csv", b"", "PAY"),
        ("acme-enrol-jan.xlsx", b"PK\x03\x04\x00\x00", "ENROL"),
        ("payroll_summary.csv", b"a,b\n", ""),
        ("letter.pdf", b"%PDF-1.7", ""),
    ],
)
def test_it_recognises_the_template(name: str, head: bytes, template: str) -> None:
    assert detect_template(name, head) == template


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../etc/passwd", "folder path"),
        ("a\\b.csv", "folder path"),
        ("pay\x00.csv", "control characters"),
        ("evil\u202etxt.exe", "control characters"),
        ("...", "only of dots"),
        ("   ", "only of dots"),
        ("a" * 300 + ".csv", "longer than"),
        ("run.exe", "not allowed"),
        ("noextension", "without an extension"),
    ],
)
def test_it_refuses_a_bad_name_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(NameRefused, match=reason):
        clean_name(name, frozenset({"csv"}))


def test_it_keeps_an_ordinary_name() -> None:
    assert clean_name(" PAY 2026-01.csv ", frozenset({"csv"})) == "PAY 2026-01.csv"
