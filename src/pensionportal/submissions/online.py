"""Online entry ("created directly in the online data transmission site", Section 2): the
rows typed into the portal become a CSV in the published layout and go through exactly the
same pipeline as an uploaded file."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pensionportal.datafiles.fields import TemplateSpec
from pensionportal.datafiles.model import ParsedFile, Unreadable
from pensionportal.datafiles.specs import SPECS

from .intake import read_submission
from .models import Status, Submission

logger = logging.getLogger(__name__)

DEFAULT_ROWS = 5
MAX_ROWS = 500


def online_templates() -> list[TemplateSpec]:
    return [spec for spec in SPECS.values() if spec.online_transmission]


def to_csv(
    spec: TemplateSpec,
    rows: Sequence[Mapping[str, str]],
    header: Mapping[str, str] | None = None,
) -> bytes:
    """The entered values in the file layout of docs/datafiles.md (labels as headings)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if spec.has_header:
        writer.writerow([f.label for f in spec.header_fields])
        writer.writerow([(header or {}).get(f.key, "") for f in spec.header_fields])
    writer.writerow([f.label for f in spec.fields])
    for row in rows:
        writer.writerow([row.get(f.key, "") for f in spec.fields])
    return out.getvalue().encode("utf-8")


def row_offset(spec: TemplateSpec) -> int:
    """File rows before the first entered row: the heading (and PAY's header table)."""
    return 3 if spec.has_header else 1


def blank(row: Mapping[str, str]) -> bool:
    return not any(value.strip() for value in row.values())


@dataclass(frozen=True)
class LastPay:
    header: dict[str, str] = field(default_factory=dict)
    rows: list[dict[str, str]] = field(default_factory=list)
    problem: str = ""  # why the form starts empty, in the clerk's words


def last_pay_rows(organization_id: int) -> LastPay:
    """ "Start from last pay period": the last applied PAY file's pay cycle and detail rows
    (amounts included, dates and the payment reference left for the clerk). A file that
    cannot be read leaves the form empty and says so: a convenience never fails a page."""
    last = (
        Submission.objects.filter(
            organization_id=organization_id, template="PAY", status=Status.APPLIED
        )
        .order_by("-pay_date", "-id")
        .first()
    )
    if last is None:
        return LastPay(problem="No pay file has been applied yet to start from.")
    unreadable = LastPay(
        problem=f"The last applied pay file ({last.reference}) could not be read, so the "
        "form starts empty. Enter the pay period's rows, or contact the plan administrator."
    )
    try:
        parsed = read_submission(last)
    except Exception:  # storage or decryption: the page still works
        logger.warning("last pay file %s could not be read", last.reference, exc_info=True)
        return unreadable
    if isinstance(parsed, Unreadable):
        return unreadable
    return LastPay(_header_of(parsed), _rows_of(parsed))


_KEEP_FROM_LAST = {"pay_cycle"}
_DROP_FROM_ROWS = {"period_start", "period_end"}


def _header_of(parsed: ParsedFile) -> dict[str, str]:
    if parsed.header is None:
        return {}
    labels = parsed.header_columns
    spec = parsed.template
    by_label = dict(zip(labels, parsed.header.raw, strict=False))
    return {
        f.key: by_label.get(f.label, "") for f in spec.header_fields if f.key in _KEEP_FROM_LAST
    }


def _rows_of(parsed: ParsedFile) -> list[dict[str, str]]:
    spec = parsed.template
    positions = {label: i for i, label in enumerate(parsed.columns)}
    rows = []
    for raw in parsed.rows.raw:
        row = {}
        for f in spec.fields:
            i = positions.get(f.label)
            if i is not None and i < len(raw) and f.key not in _DROP_FROM_ROWS:
                row[f.key] = str(raw[i])
        rows.append(row)
    return rows[:MAX_ROWS]
