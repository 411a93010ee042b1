"""The one PDF module (issue 15, item 5): a Unicode font shipped with its licence, and table
cells that wrap instead of being cut. Text is read back with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from pensionportal.presentation.pdf import FONT_DIR, Column, Document

NAMES = "Zoë Łukasiewicz-Nguyễn, Дмитрий Ševčík, Ἀλκηστις Øyen"


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join((page.extract_text() or "") for page in reader.pages)


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_the_font_and_its_open_font_licence_are_in_the_repository() -> None:
    assert (FONT_DIR / "NotoSans-Regular.ttf").stat().st_size > 100_000
    assert (FONT_DIR / "NotoSans-Bold.ttf").stat().st_size > 100_000
    licence = (FONT_DIR / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Google" in licence


def test_names_outside_latin_1_print_as_written() -> None:
    doc = Document("Names")
    doc.title(NAMES)
    doc.facts([("Member", NAMES)])
    doc.table([Column("Name", 2), Column("Amount", 1, align="R")], [[NAMES, "$1.00"]])
    text = _text(doc.output())
    assert "?" not in text
    for name in ("Zoë", "Łukasiewicz-Nguyễn", "Дмитрий", "Ševčík", "Øyen"):
        assert name in text


def test_long_cells_wrap_and_keep_every_word() -> None:
    cause = (
        "Not remitted: the member was on a statutory leave and the election not to "
        "contribute was received after the leave began, so plan membership contributions "
        "remain mandatory for this period"
    )
    doc = Document("Wrap", landscape=True)
    rows = [[f"C-{n}", cause, "$669.81"] for n in range(60)]
    doc.table([Column("Case", 1), Column("Cause", 3), Column("Owed", 1, align="R")], rows)
    data = doc.output()
    text = _squash(_text(data))
    assert text.count(cause) == 60
    assert len(PdfReader(io.BytesIO(data)).pages) > 1
    # The heading row repeats on each page.
    assert text.count("Case Cause Owed") == len(PdfReader(io.BytesIO(data)).pages)


def test_a_word_longer_than_its_column_breaks_but_is_not_lost() -> None:
    doc = Document("Narrow")
    word = "EFT-DEMO-REFERENCE-0001-ABCDEFGHIJKLMNOP"
    doc.table([Column("Ref", 1), Column("Other", 12)], [[word, "x"]])
    assert word in _text(doc.output()).replace("\n", "")


def test_pages_are_numbered(tmp_path: Path) -> None:
    doc = Document("Numbered", footer="Invoice INV-1")
    for n in range(120):
        doc.paragraph(f"Line {n}")
    text = _text(doc.output())
    assert "Invoice INV-1 Page 1 of 3" in _squash(text)
