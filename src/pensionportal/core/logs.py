"""Logging for an installation: a refusal the portal meant (403 for a section the user's
roles do not allow, 404 for another organization's object) is logged as one line, without
the traceback Django attaches, so real faults stand out (issue 15, item 11)."""

from __future__ import annotations

import logging

EXPECTED = frozenset({400, 403, 404, 405})


class ExpectedRefusalFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in EXPECTED:
            record.exc_info = None
            record.exc_text = None
        return True
