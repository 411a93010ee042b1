"""Fixed bounds on what an upload may hold (docs/datafiles.md, "Limits").

They keep memory and time bounded whatever the file: a zip bomb or an oversized sheet is
refused before it is expanded.
"""

from __future__ import annotations

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest upload, CSV or XLSX, as received."""
MAX_ROWS = 200_000
"""Most rows (including headings) in one file."""
MAX_COLUMNS = 64
"""Most columns (the widest template has 27); XLSX cell references beyond column BL are refused."""
MAX_ZIP_ENTRIES = 1_000
"""Most entries an XLSX (a zip archive) may hold."""
MAX_XLSX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
"""Most bytes all entries may expand to, by their declared sizes, checked while inflating."""
MAX_COMPRESSION_RATIO = 200
"""Largest expansion of one entry over 1 MiB; real sheets compress about 5-20 times."""
