"""Health endpoints for the load balancer and the process supervisor: no sign-in, no data.

- /healthz: liveness: the web process answers (no database, no storage).
- /readyz: readiness: the database, the file storage and the task queue are reachable;
  503 with the name of what is not, so a load balancer stops sending requests here.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _storage() -> None:
    """A write, a read and a delete of a small probe through the configured storage."""
    storage = storages["default"]
    name = storage.save(f"readyz/{uuid.uuid4().hex}.probe", ContentFile(b"ok"))
    try:
        with storage.open(name, "rb") as probe:
            if probe.read() != b"ok":
                raise OSError("the storage gave back other bytes than were written")
    finally:
        storage.delete(name)


def _task_queue() -> None:
    if isinstance(task_backends["default"], DatabaseBackend):
        DBTaskResult.objects.filter(status="READY").exists()


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "storage": _storage,
    "task_queue": _task_queue,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            log.warning("Readiness: %s is not reachable (%s)", name, type(error).__name__)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
