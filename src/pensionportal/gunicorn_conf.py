"""gunicorn settings for the web process (docs/operations.md):

    gunicorn -c python:pensionportal.gunicorn_conf pensionportal.wsgi

Every value can be changed by an environment variable (or gunicorn's own flags).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from pensionportal.core.logs import redact

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("PORTAL_WEB_PROCESSES", "2"))
# Threads: requests wait mostly on the database and the storage; each thread holds at most
# one database connection (PORTAL_DB_POOL_MAX should be >= threads).
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_WEB_THREADS", "4"))
# Uploads of 200 MB over slow links: a generous time-out; the load balancer's own is shorter.
timeout = int(os.environ.get("PORTAL_WEB_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# A process is replaced after this many requests (and a random few), bounding any leak.
max_requests = int(os.environ.get("PORTAL_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Request lines and headers; bodies are capped by the portal itself.
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("PORTAL_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# JSON access log: the path without its query string, no cookies, no body.
access_log_format = (
    '{"time":"%(t)s","logger":"gunicorn.access","request_id":"%({x-request-id}o)s",'
    '"method":"%(m)s","path":"%(U)s","status":%(s)s,"bytes":"%(B)s","duration_ms":%(M)s}'
)


class RedactingLogger(Logger):  # type: ignore[misc]
    """The access log without tokens: an invitation's or a password reset's path shows
    `[token]` in its place (core/logs.py, TOKEN_PATH); and, as every log line, without
    anything that looks like a SIN."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


logger_class = RedactingLogger
