"""gunicorn settings for the web process (docs/operations.md):

    gunicorn -c python:pensionportal.gunicorn_conf pensionportal.wsgi

Every value can be changed by an environment variable (or gunicorn's own flags).
"""

from __future__ import annotations

import os

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
