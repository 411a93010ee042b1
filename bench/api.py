"""Throughput of pension data files sent through the REST API (issue 19, "Done when"), beside
the same files sent through the Pension data page, measured in the same run.

    make bench-api                 # PostgreSQL started by scripts/ci_postgres.sh
    BENCH_API_FILES=20 make bench-api

On loopback it starts the production process model (PORTAL_PRODUCTION=1): gunicorn (2 web
processes) and ONE task worker (`db_worker`), so the figures are per worker. Each file is
a valid 1,000-row PAY file for its own employer of 1,000 enrolled members (so no file
waits for a confirmation of another's pay period), checked and applied by the worker.

Two ways of sending, each through the API and through the page:

- one at a time ("send and wait"): send a file, poll until it is applied, send the next —
  what a payroll system does at the end of a pay run;
- all at once ("batch"): send every file, then wait until all are applied — throughput.

The API client asks for one token and polls `GET /api/v1/submissions/{id}` every 0.2 s;
the page's clerk signs in, fetches the CSRF token from the Pension data page and posts the
upload form, and the bench polls the database. Figures: files a minute (and rows a
second), the upload's answer time (median), the ratio API / page.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FILES = int(os.environ.get("BENCH_API_FILES", "10"))
ROWS = 1000
PASSWORD = "Bench!Api2026"
WORK = Path(tempfile.mkdtemp(prefix="portal-bench-api-"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


WEB_PORT = int(os.environ.get("BENCH_API_PORT", "0")) or free_port()
BASE = f"http://127.0.0.1:{WEB_PORT}"
ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT / "src"),
    "DJANGO_SETTINGS_MODULE": "pensionportal.settings",
    "PORTAL_PRODUCTION": "1",
    "PORTAL_SECRET_KEY": secrets.token_urlsafe(50),
    "PORTAL_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    "PORTAL_INDEX_KEY": secrets.token_urlsafe(32),
    "PORTAL_SEARCH_INDEX_KEYS": "api:" + secrets.token_urlsafe(32),
    "PORTAL_ALLOWED_HOSTS": "127.0.0.1",
    "PORTAL_SSL_REDIRECT": "0",
    "PORTAL_BASE_URL": BASE,
    "PORTAL_STORAGE_DIR": os.environ.get("PORTAL_STORAGE_DIR", str(WORK / "storage")),
    "PORTAL_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "PORTAL_LOGIN_LIMIT": "1000/m/ip",
    "PORTAL_WEB_PROCESSES": "2",
    "PORTAL_WEB_THREADS": "4",
    "PORTAL_BIND": f"127.0.0.1:{WEB_PORT}",
    "PORTAL_LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.db import connection  # noqa: E402

from pensionportal.accounts.models import (  # noqa: E402
    Membership,
    Organization,
    OrganizationKind,
    Plan,
    Role,
    User,
)
from pensionportal.core import crypto  # noqa: E402
from pensionportal.datafiles import bench as data  # noqa: E402
from pensionportal.integrations import actions  # noqa: E402
from pensionportal.integrations.models import Scope  # noqa: E402
from pensionportal.members.models import Member  # noqa: E402
from pensionportal.submissions.models import Status, Submission  # noqa: E402

DONE = {Status.APPLIED, Status.REJECTED, Status.AWAITING_CONFIRMATION, Status.VALIDATED_TEST}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    print(f"[bench-api {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str) -> None:
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=ENV,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def _members(org: Organization) -> None:
    sin = crypto.encrypt_text("046454286")
    hired = data.PARTICIPATION.participation_date.replace(year=2020, month=1, day=1)
    Member.objects.bulk_create(
        (
            Member(
                organization=org,
                employee_id=eid,
                sin_encrypted=sin,
                sin_index=f"bench-{org.pk}-{eid}",
                sin_last3="286",
                last_name="L",
                first_name="F",
                birth_date=hired.replace(year=1980),
                hire_date=hired,
                membership_date=hired,
                employment_type="FT",
                employment_ratio=1,
                pay_rate=60000,
                standard_hours=37.5,
            )
            for eid in data.employee_ids(ROWS)
        ),
        batch_size=2000,
    )


@dataclass
class Employer:
    org: Organization
    clerk: str  # e-mail of a file-upload clerk (the page)
    client_id: str
    secret: str


def setup(count: int) -> list[Employer]:
    log(f"work directory {WORK}; migrating; {count} employers x {ROWS:,} members")
    manage("migrate", "--noinput", "-v", "0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "-v", "0")
    admin_user = User.objects.create_user("keeper@plan.example", PASSWORD, is_staff=True)
    employers = []
    for n in range(count):
        org = Organization.objects.create(
            name=f"Bench API Employer {n:03d}",
            kind=OrganizationKind.EMPLOYER,
            plan=Plan.SELECT,
            plan_participation_date=data.PARTICIPATION.participation_date,
        )
        _members(org)
        clerk = User.objects.create_user(f"clerk{n:03d}@employer.example", PASSWORD)
        membership = Membership(user=clerk, organization=org)
        membership.set_roles(frozenset({Role.FILE_UPLOAD}))
        membership.save()
        admin = User.objects.create_user(f"admin{n:03d}@employer.example", PASSWORD)
        membership = Membership(user=admin, organization=org)
        membership.set_roles(frozenset({Role.ADMINISTRATOR}))
        membership.save()
        made = actions.create_client(
            admin,
            org,
            name="Bench payroll",
            scopes=[Scope.SUBMIT_DATA.value],
            rate_limit_per_minute=actions.MAX_RATE,
        )
        employers.append(Employer(org, clerk.email, made.client.client_id, made.secret))
    del admin_user
    connection.close()
    return employers


class Processes:
    def __init__(self) -> None:
        self.all: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, args: list[str]) -> None:
        out = (WORK / f"{name}.log").open("ab")
        self.all.append(
            subprocess.Popen(args, env=ENV, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        )

    def stop(self) -> None:
        for process in self.all:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.all:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_ready(timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{BASE}/readyz", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"the web tier did not become ready (logs in {WORK})")


def _file(employer: Employer, tag: str) -> tuple[str, bytes]:
    reference = f"EFT-{employer.org.pk}-{tag}"
    return f"PAY_{reference}.csv", data.pay_file(ROWS, reference=reference)


# --- the API -----------------------------------------------------------------------------------


class ApiSender:
    def __init__(self, employer: Employer) -> None:
        self.http = httpx.Client(base_url=BASE, timeout=120)
        answer = self.http.post(
            "/api/v1/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(employer.client_id, employer.secret),
        )
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        self.employer = employer

    def send(self, tag: str) -> tuple[int, float]:
        name, body = _file(self.employer, tag)
        began = time.perf_counter()
        answer = self.http.post(
            "/api/v1/submissions",
            files={"file": (name, body, "text/csv")},
            headers={**self.headers, "Idempotency-Key": f"{name}-{tag}"},
        )
        took = time.perf_counter() - began
        if answer.status_code != 201:
            raise SystemExit(f"API upload refused: {answer.status_code} {answer.text[:300]}")
        return int(answer.json()["id"]), took

    def wait(self, submission_id: int) -> str:
        while True:
            status = str(
                self.http.get(f"/api/v1/submissions/{submission_id}", headers=self.headers).json()[
                    "status"
                ]
            )
            if status in DONE:
                return status
            time.sleep(0.2)


# --- the Pension data page -------------------------------------------------------------------


class PageSender:
    """A clerk in a browser: signs in, takes the CSRF token from the page, posts the form.
    Production cookies are Secure (`__Host-`): over plain loopback HTTP they are kept and
    sent by hand, as bench/soak.py does."""

    def __init__(self, employer: Employer) -> None:
        self.http = httpx.Client(base_url=BASE, timeout=120, follow_redirects=False)
        self.cookies: dict[str, str] = {}
        self.employer = employer
        token = self._csrf("/accounts/login/")
        answer = self._request(
            "POST",
            "/accounts/login/",
            data={"login": employer.clerk, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if answer.status_code != 302:
            raise SystemExit(f"the clerk could not sign in: {answer.status_code}")

    def _request(self, method: str, url: str, **kw: object) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        answer = self.http.request(method, url, headers=headers, **kw)  # type: ignore[arg-type]
        for header in answer.headers.get_list("set-cookie"):
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if value in ('""', "") or "max-age=0" in attributes.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return answer

    def _csrf(self, url: str) -> str:
        match = CSRF.search(self._request("GET", url).text)
        if match is None:
            raise SystemExit(f"no CSRF token on {url}")
        return match.group(1)

    def send(self, tag: str) -> tuple[int, float]:
        name, body = _file(self.employer, tag)
        began = time.perf_counter()
        token = self._csrf("/submissions/")
        answer = self._request(
            "POST",
            "/submissions/upload/",
            data={"organization": str(self.employer.org.pk), "csrfmiddlewaretoken": token},
            files={"file": (name, body, "text/csv")},
        )
        took = time.perf_counter() - began
        found = re.search(r"/submissions/(\d+)/", answer.headers.get("location", ""))
        if answer.status_code != 302 or found is None:
            raise SystemExit(f"page upload refused: {answer.status_code} {answer.text[:300]}")
        return int(found.group(1)), took

    def wait(self, submission_id: int) -> str:
        while True:
            status = str(
                Submission.objects.filter(pk=submission_id).values_list("status", flat=True).get()
            )
            if status in DONE:
                connection.close()
                return status
            time.sleep(0.2)


# --- the runs ------------------------------------------------------------------------------------


@dataclass
class Figures:
    files_per_minute: float
    rows_per_second: float
    upload_median: float


def _check(statuses: list[str], what: str) -> None:
    wrong = [status for status in statuses if status != Status.APPLIED]
    if wrong:
        raise SystemExit(f"{what}: {len(wrong)} files not applied ({wrong[:3]})")


def one_at_a_time(senders: list[ApiSender] | list[PageSender], tag: str, what: str) -> Figures:
    uploads, statuses = [], []
    began = time.perf_counter()
    for sender in senders:
        submission_id, took = sender.send(tag)
        uploads.append(took)
        statuses.append(sender.wait(submission_id))
    elapsed = time.perf_counter() - began
    _check(statuses, what)
    return Figures(
        len(senders) * 60 / elapsed, len(senders) * ROWS / elapsed, statistics.median(uploads)
    )


def batch(senders: list[ApiSender] | list[PageSender], tag: str, what: str) -> Figures:
    uploads, sent = [], []
    began = time.perf_counter()
    for sender in senders:
        submission_id, took = sender.send(tag)
        uploads.append(took)
        sent.append((sender, submission_id))
    statuses = [sender.wait(submission_id) for sender, submission_id in sent]
    elapsed = time.perf_counter() - began
    _check(statuses, what)
    return Figures(
        len(senders) * 60 / elapsed, len(senders) * ROWS / elapsed, statistics.median(uploads)
    )


def main() -> int:
    if connection.vendor != "postgresql":
        print("bench/api.py wants PostgreSQL: run `make bench-api`", file=sys.stderr)
        return 2
    # One file per employer in each run (and the warm-up), each run with employers of its
    # own: no file is a second file for a pay period already applied.
    employers = setup(FILES * 4 + 2)
    groups = [employers[k * FILES : (k + 1) * FILES] for k in range(4)]
    warm = employers[FILES * 4 :]
    processes = Processes()
    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    processes.start(
        "web", [gunicorn, "-c", "python:pensionportal.gunicorn_conf", "pensionportal.wsgi"]
    )
    processes.start(
        "worker",
        [PYTHON, "manage.py", "db_worker", "--interval", "0.1", "--no-reload"],
    )
    try:
        wait_ready()
        log(f"web tier ready on {BASE}; warming up")
        # The first file through each way (not timed): loaded code, warm connections.
        api_warm, page_warm = ApiSender(warm[0]), PageSender(warm[1])
        _check([api_warm.wait(api_warm.send("warm")[0])], "warm-up")
        _check([page_warm.wait(page_warm.send("warm")[0])], "warm-up")
        runs: list[tuple[str, Callable[..., Figures], list[ApiSender] | list[PageSender]]] = [
            ("API, one at a time", one_at_a_time, [ApiSender(e) for e in groups[0]]),
            ("page, one at a time", one_at_a_time, [PageSender(e) for e in groups[1]]),
            ("API, batch", batch, [ApiSender(e) for e in groups[2]]),
            ("page, batch", batch, [PageSender(e) for e in groups[3]]),
        ]
        results: dict[str, Figures] = {}
        for n, (label, run, senders) in enumerate(runs):
            log(f"{label}: {len(senders)} files of {ROWS:,} rows")
            results[label] = run(senders, f"run{n}", label)
    finally:
        processes.stop()
    print(f"\n{FILES} PAY files of {ROWS:,} rows per run; 2 web processes, 1 worker; PostgreSQL")
    print(f"{'':<22}{'files/min':>10}{'rows/s':>10}{'upload p50':>12}")
    for label, figures in results.items():
        print(
            f"{label:<22}{figures.files_per_minute:>10.1f}{figures.rows_per_second:>10.0f}"
            f"{figures.upload_median * 1000:>10.0f} ms"
        )
    for mode in ("one at a time", "batch"):
        ratio = results[f"API, {mode}"].files_per_minute / results[f"page, {mode}"].files_per_minute
        print(f"ratio API / page ({mode}): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
