"""Presentation shared by every page, PDF and spreadsheet: `formatting` (money, rates, dates
with Babel), `pdf` (the one PDF writer, Unicode font) and `spreadsheet` (typed XLSX cells).
Pure Python: no Django import, so the pure core may use it too. See docs/presentation.md."""
