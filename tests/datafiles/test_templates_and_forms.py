from __future__ import annotations

import io

import pytest
from python_calamine import CalamineWorkbook

from pensionportal.datafiles import (
    SPECS,
    ParsedFile,
    csv_template,
    form_spec,
    read,
    validate,
    xlsx_template,
)
from pensionportal.datafiles.registry import InMemoryRegistry, MemberFacts
from tests.datafiles.helpers import HIRED


@pytest.mark.parametrize("code", list(SPECS))
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_each_downloadable_template_reads_back_without_problems(code: str, kind: str) -> None:
    data = csv_template(code) if kind == "csv" else xlsx_template(code)
    parsed = read(data, f"template.{kind}")
    assert isinstance(parsed, ParsedFile)
    assert parsed.code == code
    facts = MemberFacts(HIRED, HIRED, open_leave_start=HIRED if code == "RTW" else None)
    members = InMemoryRegistry(facts={} if code == "ENROL" else {"C000002": facts})
    assert validate(parsed, members) == []
    assert len(parsed.rows) == 1


def test_the_xlsx_template_lists_its_fields_and_offers_code_lists() -> None:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(xlsx_template("ENROL")))
    assert workbook.sheet_names == ["ENROL", "Fields"]
    fields = workbook.get_sheet_by_name("Fields").to_python()
    assert any("mandatory when Employment Type is FT or PT" in str(r[2]) for r in fields)


def test_the_csv_template_is_utf8_with_bom() -> None:
    assert csv_template("pay").startswith(b"\xef\xbb\xbfPay Cycle,Pay Date")


def test_an_unknown_template_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown template"):
        csv_template("NOPE")


def test_form_specs_carry_labels_types_choices_and_conditions() -> None:
    form = form_spec("ENROL")
    by_key = {f.key: f for f in form.fields}
    assert by_key["gender"].input_type == "select"
    assert ("U", "U - Unspecified") in by_key["gender"].choices
    ratio = by_key["employment_ratio"]
    assert ratio.required is False
    assert ratio.required_when == "Employment Type is FT or PT"
    assert ratio.condition is not None
    assert ratio.condition.holds({"employment_type": "FT"})
    assert ratio.max_value == "1"
    assert by_key["standard_hours"].max_value == "48.00"
    assert by_key["sin"].sensitive
    assert form_spec("PAY").header_fields[0].key == "pay_cycle"
    assert form_spec("PRIORSVC").online_transmission is False
