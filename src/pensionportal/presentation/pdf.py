"""The product's one PDF writer: Noto Sans (SIL Open Font License, shipped in fonts/ with
its licence), so every name prints as written (é, ł, ễ, Д, Ω: no `?`), and tables whose cells
wrap instead of being cut.

    doc = Document("Invoice INV-000001")
    doc.title("Invoice INV-000001")
    doc.facts([("Employer", "Demo Employer Ltd."), ("Due date", "2026-06-30")])
    doc.table([Column("Description", 4), Column("Amount", 1, align="R")], rows)
    doc.paragraph("Pay by EFT quoting INV-000001.")
    pdf_bytes = doc.output()

Values are text: format them first with `formatting` (money, dates), so a PDF shows the same
figures as the page. Pure Python (fpdf2); nothing is fetched at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

# fpdf2 (with fontTools) is imported when a PDF is written, not with the apps that may
# write one: it is some 50 MB a process, which the intake worker and most pages never use.
if TYPE_CHECKING:
    # fpdf2 on first use: see the note at the top
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "NotoSans"
INK = (27, 27, 27)
MUTED = (74, 74, 74)
RULE = (201, 201, 201)
HEAD_FILL = (235, 239, 242)

Align = Literal["L", "R", "C"]


@dataclass(frozen=True)
class Column:
    heading: str
    width: float = 1.0  # relative to the other columns
    align: Align = "L"


@cache
def _pages() -> type[FPDF]:
    # fpdf2 on first use: see the note at the top
    from fpdf import FPDF

    class _Pages(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, size=7.5)
            self.set_text_color(*MUTED)
            text = f"{self.footer_text}   Page {self.page_no()} of {{nb}}".strip()
            self.cell(0, 5, text, align="R")
            self.set_text_color(*INK)

    return _Pages


class Document:
    """A PDF of the product: A4 (or landscape A4), 15 mm margins, page numbers."""

    def __init__(
        self,
        title: str,
        *,
        author: str = "",
        landscape: bool = False,
        footer: str = "",
        language: str = "en-CA",
    ) -> None:
        pdf = _pages()(orientation="L" if landscape else "P", format="A4")
        pdf.add_font(FONT, "", str(FONT_DIR / "NotoSans-Regular.ttf"))
        pdf.add_font(FONT, "B", str(FONT_DIR / "NotoSans-Bold.ttf"))
        pdf.footer_text = footer  # type: ignore[attr-defined]
        pdf.set_title(title)
        pdf.set_lang(language)
        if author:
            pdf.set_author(author)
        pdf.set_creator("Employer Portal")
        pdf.set_margins(15, 15, 15)
        pdf.set_auto_page_break(True, margin=16)
        pdf.alias_nb_pages()
        pdf.add_page()
        pdf.set_text_color(*INK)
        pdf.set_draw_color(*RULE)
        pdf.set_font(FONT, size=10)
        self.pdf = pdf

    @property
    def width(self) -> float:
        """The printable width in mm."""
        return float(self.pdf.w - self.pdf.l_margin - self.pdf.r_margin)

    def title(self, text: str, size: float = 16) -> None:
        self.pdf.set_font(FONT, "B", size)
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(2)
        self.pdf.set_font(FONT, size=10)

    def heading(self, text: str, size: float = 11.5) -> None:
        self.pdf.ln(2.5)
        self.pdf.set_font(FONT, "B", size)
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)
        self.pdf.set_font(FONT, size=10)

    def paragraph(self, text: str, size: float = 9.5, *, bold: bool = False) -> None:
        self.pdf.set_font(FONT, "B" if bold else "", size)
        self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)
        self.pdf.set_font(FONT, size=10)

    def lines(self, texts: Sequence[str], size: float = 9.5, *, bold_first: bool = False) -> None:
        """An address block: one line each, no gap."""
        for index, text in enumerate(texts):
            if not text:
                continue
            self.pdf.set_font(FONT, "B" if bold_first and index == 0 else "", size)
            self.pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(FONT, size=10)

    def space(self, mm: float = 4) -> None:
        self.pdf.ln(mm)

    def facts(
        self, pairs: Sequence[tuple[str, str]], *, label_width: float = 55, size: float = 9.5
    ) -> None:
        """Label and value pairs; a long value wraps under itself, never over the label."""
        # fpdf2 on first use: see the note at the top
        from fpdf import FontFace
        from fpdf.enums import TableBordersLayout, WrapMode

        if not pairs:
            return
        pdf = self.pdf
        pdf.set_font(FONT, size=size)
        with pdf.table(
            width=self.width,
            col_widths=(label_width, self.width - label_width),
            text_align=("LEFT", "LEFT"),
            borders_layout=TableBordersLayout.NONE,
            first_row_as_headings=False,
            line_height=size * 0.48,
            padding=(0.4, 1.2, 0.4, 0),
            wrapmode=WrapMode.WORD,
            align="LEFT",
        ) as grid:
            for label, value in pairs:
                row = grid.row()
                row.cell(label, style=FontFace(emphasis="BOLD"))
                row.cell(value)
        pdf.ln(1)
        pdf.set_font(FONT, size=10)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 8.5,
        borders: bool = True,
        total: Sequence[str] | None = None,
    ) -> None:
        """A table whose cells wrap at spaces (a word too long for its column breaks, never
        disappears); the heading row repeats on every page. `total` is a last, bold row."""
        # fpdf2 on first use: see the note at the top
        from fpdf import FontFace
        from fpdf.enums import TableBordersLayout, WrapMode

        pdf = self.pdf
        pdf.set_font(FONT, size=size)
        weights = sum(column.width for column in columns)
        widths = tuple(self.width * column.width / weights for column in columns)
        heading_style = FontFace(
            emphasis="BOLD",
            fill_color=HEAD_FILL if borders else None,
        )
        with pdf.table(
            width=self.width,
            col_widths=widths,
            text_align=tuple(column.align for column in columns),
            borders_layout=(
                TableBordersLayout.HORIZONTAL_LINES if borders else TableBordersLayout.NONE
            ),
            headings_style=heading_style,
            line_height=size * 0.48,
            padding=(0.9, 1.2) if borders else (0.4, 1.2, 0.4, 0),
            wrapmode=WrapMode.WORD,
            repeat_headings=1,
            align="LEFT",
        ) as grid:
            head = grid.row()
            for column in columns:
                head.cell(column.heading)
            for values in rows:
                row = grid.row()
                for value in values:
                    row.cell(value)
            if total is not None:
                row = grid.row()
                for value in total:
                    row.cell(value, style=FontFace(emphasis="BOLD"))
        pdf.ln(1.5)
        pdf.set_font(FONT, size=10)

    def boxed(self, heading: str, pairs: Sequence[tuple[str, str]]) -> None:
        """A framed block (a remittance slip): dashed cut line, heading, label and value."""
        pdf = self.pdf
        pdf.ln(3)
        if pdf.will_page_break(12 + 6 * len(pairs)):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_dash_pattern(dash=1.5, gap=1.5)
        pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
        pdf.set_dash_pattern()
        pdf.set_font(FONT, size=7)
        pdf.set_text_color(*MUTED)
        pdf.cell(0, 4, "Detach and keep with your payment record", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*INK)
        pdf.ln(1)
        self.heading(heading, size=11)
        self.facts(pairs, label_width=60)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
