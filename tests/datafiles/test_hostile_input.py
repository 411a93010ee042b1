"""Any bytes give problems, never an exception; XLSX bombs are refused before expansion."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl.xml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pensionportal.datafiles import ParsedFile, Unreadable, read, validate, xlsx_template
from pensionportal.datafiles.registry import InMemoryRegistry
from tests.datafiles.helpers import pay_csv, rules_of, template_csv

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEEDS = [pay_csv(), template_csv("ENROL"), template_csv("OPTN"), xlsx_template("PA")]


def _read_and_validate(data: bytes, filename: str = "f.csv") -> None:
    result = read(data, filename)
    if isinstance(result, ParsedFile):
        validate(result, InMemoryRegistry())
    else:
        assert isinstance(result, Unreadable)
        assert result.problems


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_give_problems_never_an_exception(data: bytes) -> None:
    _read_and_validate(data)


@FUZZ
@given(st.text(alphabet=st.sampled_from(',;\t"\r\n =+-@éA1.:/\x00'), max_size=400))
def test_any_csv_like_text_gives_problems_never_an_exception(text: str) -> None:
    _read_and_validate(("Employee ID,Year,Amount\r\n" + text).encode("utf-8"))


@FUZZ
@given(st.sampled_from(SEEDS), st.data())
def test_mutated_valid_files_give_problems_never_an_exception(
    seed: bytes, data: st.DataObject
) -> None:
    mutated = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        mutated[position] = data.draw(st.integers(0, 255))
    name = "f.xlsx" if seed.startswith(b"PK") else "f.csv"
    _read_and_validate(bytes(mutated), name)


@FUZZ
@given(st.lists(st.lists(st.text(max_size=12), max_size=8), max_size=12))
def test_any_table_of_cells_gives_problems_never_an_exception(rows: list[list[str]]) -> None:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows([["Employee ID", "SIN", "Hire Date", "Amount"], *rows])
    _read_and_validate(out.getvalue().encode("utf-8", "surrogatepass"))


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx_template("PA"))) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(entries)


def _refused(data: bytes) -> list[str]:
    tracemalloc.start()
    try:
        result = read(data, "bomb.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(result, Unreadable)
    assert peak < 32 * 1024 * 1024, peak
    return rules_of(result.problems)


def test_it_refuses_a_zip_bomb_before_expanding_it() -> None:
    out = io.BytesIO()
    zeros = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(300):  # 300 MiB of zeros, about 300 KiB compressed
                sheet.write(zeros)
    bomb = out.getvalue()
    assert len(bomb) < 1024 * 1024
    assert _refused(bomb) == ["file.unsafe"]


def test_it_refuses_an_extreme_compression_ratio() -> None:
    bomb = _xlsx_with_sheet(b" " * (50 * 1024 * 1024))
    assert _refused(bomb) == ["file.unsafe"]


def test_it_refuses_a_zip_whose_sizes_lie() -> None:
    honest = _xlsx_with_sheet(b"<worksheet>" + b"A" * 5000 + b"</worksheet>")
    # Shrink the declared uncompressed size of the sheet in both headers.
    with zipfile.ZipFile(io.BytesIO(honest)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size.to_bytes(4, "little")
    lying = honest.replace(real, (100).to_bytes(4, "little"))
    assert lying != honest
    assert _refused(lying) in (["file.format"], ["file.unsafe"])


def test_it_refuses_too_many_entries() -> None:
    entries = {f"xl/part{i}.xml": b"<a/>" for i in range(1100)}
    assert _refused(_zip(entries)) == ["file.unsafe"]


def test_it_refuses_billion_laughs() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10)
            for i in range(1, 10)
        )
        + b']><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is>'
        b"</c></row></sheetData></worksheet>"
    )
    assert _refused(_xlsx_with_sheet(laughs)) == ["file.unsafe"]


def test_it_refuses_a_sheet_sized_beyond_the_limits() -> None:
    far_cell = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576">'
        b'<c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    assert _refused(_xlsx_with_sheet(far_cell)) == ["file.unsafe"]
    big_dimension = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:XFD1048576"/><sheetData/></worksheet>'
    )
    assert _refused(_xlsx_with_sheet(big_dimension)) == ["file.unsafe"]


def test_it_refuses_a_damaged_workbook() -> None:
    assert _refused(b"PK\x03\x04" + b"\x00" * 200) == ["file.format"]


def test_openpyxl_parses_xml_through_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_a_zip_claiming_an_unsupported_version_is_a_problem_not_an_exception() -> None:
    # Found by hypothesis: zipfile raises NotImplementedError for "zip file version 6.4".
    import io
    import zipfile

    from pensionportal.datafiles.model import Unreadable
    from pensionportal.datafiles.reader import read

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 6] = 64  # "version needed to extract" = 6.4
    result = read(bytes(data), "PAY.xlsx")
    assert isinstance(result, Unreadable)
