"""Soak and fault test of the production process model (issue 14, "Must do" 5).

    make soak                       # PostgreSQL started by scripts/ci_postgres.sh, 5 minutes
    SOAK_SECONDS=90 make soak       # a shorter run

On loopback only, it starts: the web tier (gunicorn, 2 web processes), 2 task workers
(`db_worker`), the scheduler (`run_scheduler`, which also runs the reaper) and a real SMTP
server (aiosmtpd), all with the production settings (PORTAL_PRODUCTION=1: JSON logs, the
psycopg pool, whitenoise). The file storage is whatever the settings and the environment
give (PORTAL_STORAGE_URL and PORTAL_S3_* pass through): `make soak` runs it inside
scripts/ci_s3.sh, so the files go to a real S3-compatible server (SeaweedFS).

Then, for SOAK_SECONDS, SOAK_USERS simulated employer users of SOAK_ORGS organizations
(asyncio, httpx) sign in, upload PAY files of 1,000-20,000 rows, read the inbox and the
submissions, send secure messages with an attachment and download reports. During the run:

- a PAY file of 100,000 rows is uploaded and, while it is being applied, the worker
  applying it is killed with SIGKILL (then started again); the reaper finds the submission
  and it is applied once (the fault waits up to SOAK_APPLY_WAIT s, 600, after the load
  ends for the file to reach its apply);
- one web process is killed with SIGKILL (gunicorn starts another);
- the SMTP server is stopped for SOAK_SMTP_OUTAGE seconds (60).

At the end (after the queues drain) it prints and asserts: requests, errors by status (no
5xx; connection errors only for requests in flight on the killed web process), p50/p95
latency per page, every accepted file applied exactly once (ledger rows = detail rows),
no submission left in validating/applying, every e-mail delivered after SMTP came back,
`audit_verify` intact. The figures go to var/soak/results.json.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SECONDS = float(os.environ.get("SOAK_SECONDS", "300"))
USERS = int(os.environ.get("SOAK_USERS", "50"))
ORGS = int(os.environ.get("SOAK_ORGS", "20"))
MEMBERS = int(os.environ.get("SOAK_MEMBERS", "20000"))
BIG_ROWS = int(os.environ.get("SOAK_BIG_ROWS", "100000"))
MIN_ROWS, MAX_ROWS = 1000, min(20000, MEMBERS)
SMTP_OUTAGE = float(os.environ.get("SOAK_SMTP_OUTAGE", "60"))
UPLOADS_PER_MINUTE = float(os.environ.get("SOAK_UPLOADS_PER_MINUTE", "12"))
DRAIN_SECONDS = float(os.environ.get("SOAK_DRAIN_SECONDS", "600"))
# How long after the load ends the worker fault still waits for the 100,000-row file to
# reach its apply: on a loaded machine its check can outlast a short run.
APPLY_WAIT = float(os.environ.get("SOAK_APPLY_WAIT", "600"))
WEB_PROCESSES = 2
WORKERS = 2
PASSWORD = "Soak!Test2026"
KILL_WINDOW = 10.0
RESULTS = ROOT / "var" / "soak" / "results.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- the environment every process of the portal gets -------------------------------------

WORK = Path(tempfile.mkdtemp(prefix="portal-soak-"))
WEB_PORT = free_port()
SMTP_PORT = free_port()
BASE = f"http://127.0.0.1:{WEB_PORT}"


def _fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT / "src"),
    "DJANGO_SETTINGS_MODULE": "pensionportal.settings",
    "PORTAL_PRODUCTION": "1",
    "PORTAL_SECRET_KEY": secrets.token_urlsafe(50),
    "PORTAL_ENCRYPTION_KEYS": _fernet_key(),
    "PORTAL_INDEX_KEY": secrets.token_urlsafe(32),
    "PORTAL_AUDIT_KEYS": "soak:" + secrets.token_urlsafe(32),
    "PORTAL_SEARCH_INDEX_KEYS": "soak:" + secrets.token_urlsafe(32),
    "PORTAL_ALLOWED_HOSTS": "127.0.0.1",
    "PORTAL_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS ends at the load balancer
    "PORTAL_BASE_URL": BASE,
    # The file store: the S3 bucket that scripts/ci_s3.sh started (PORTAL_STORAGE_URL and
    # PORTAL_S3_* pass through from the environment), else a local folder.
    "PORTAL_STORAGE_DIR": os.environ.get("PORTAL_STORAGE_DIR", str(WORK / "storage")),
    "PORTAL_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "PORTAL_EMAIL_HOST": "127.0.0.1",
    "PORTAL_EMAIL_PORT": str(SMTP_PORT),
    "PORTAL_EMAIL_TIMEOUT": "10",
    # Shorter waits than production so that a five-minute run sees them through: e-mail
    # retried after 5 s doubling to 30 s; a lost worker's task marked failed after 60 s;
    # the reaper every 10 s, re-queueing an unlocked submission after 15 s.
    "PORTAL_EMAIL_RETRY_BASE_SECONDS": "5",
    "PORTAL_EMAIL_RETRY_MAX_SECONDS": "30",
    "PORTAL_EMAIL_MAX_ATTEMPTS": "40",
    "PORTAL_EMAIL_LOST_AFTER_SECONDS": "120",
    "PORTAL_TASK_LOST_AFTER_SECONDS": "60",
    "PORTAL_REAPER_INTERVAL_SECONDS": "10",
    "PORTAL_STUCK_LOCK_GRACE_SECONDS": "15",
    # Every simulated user comes from 127.0.0.1: the per-address sign-in limit is raised.
    "PORTAL_LOGIN_LIMIT": "1000/m/ip",
    "PORTAL_DB_POOL_MAX": "4",
    "PORTAL_WEB_PROCESSES": str(WEB_PROCESSES),
    "PORTAL_WEB_THREADS": "4",
    "PORTAL_BIND": f"127.0.0.1:{WEB_PORT}",
    "PORTAL_LOG_LEVEL": "INFO",
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT / "src"))
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("mail.log").setLevel(logging.WARNING)
logging.getLogger().setLevel(logging.WARNING)  # this process's own lines: warnings only

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from django.db import connection  # noqa: E402

from pensionportal.accounts.models import (  # noqa: E402
    Membership,
    Organization,
    OrganizationKind,
    Plan,
    Role,
    StaffRole,
    StaffRoleGrant,
    User,
)
from pensionportal.core import crypto  # noqa: E402
from pensionportal.datafiles import bench as data  # noqa: E402
from pensionportal.members.models import Contribution, Member  # noqa: E402
from pensionportal.reports.actions import ReportFileInput, publish_report  # noqa: E402
from pensionportal.submissions.models import Status, Submission  # noqa: E402


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


def manage(*args: str) -> None:
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=ENV,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


# --- data -----------------------------------------------------------------------------------


def _members(org: Organization, n: int) -> None:
    """n enrolled members, written with PostgreSQL's COPY (500,000 in about a minute)."""
    sin = crypto.encrypt_text("046454286")
    hired = data.PARTICIPATION.participation_date.replace(year=2020, month=1, day=1)
    template = Member(
        organization=org,
        sin_encrypted=sin,
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
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{Member._meta.db_table}" ({columns}) FROM STDIN') as copy,
    ):
        for eid in data.employee_ids(n):
            template.employee_id = eid
            template.sin_index = f"soak-{org.pk}-{eid}"
            copy.write_row(
                [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
            )


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Soak test attachment")
    return bytes(pdf.output())


@dataclass
class Setup:
    users: list[tuple[str, int]]  # (e-mail, organization id)
    big_user: tuple[str, int]
    attachment: bytes


def setup() -> Setup:
    log(f"work directory {WORK}; migrating and loading {ORGS} employers x {MEMBERS} members")
    manage("migrate", "--noinput", "-v", "0")
    manage("createcachetable")
    manage("collectstatic", "--noinput", "-v", "0")
    staff = [
        User.objects.create_user(f"keeper{n}@plan.example", PASSWORD, is_staff=True)
        for n in range(2)
    ]
    # The keepers do every staff job of the soak (reports, messages, staff pages): every
    # staff role, since staff reach a section only through a role that grants it.
    StaffRoleGrant.objects.bulk_create(
        StaffRoleGrant(user=keeper, role=role) for keeper in staff for role in StaffRole
    )
    orgs = []
    for n in range(ORGS + 1):
        org = Organization.objects.create(
            name=f"Soak Employer {n:02d}",
            kind=OrganizationKind.EMPLOYER,
            plan=Plan.SELECT,
            plan_participation_date=data.PARTICIPATION.participation_date,
        )
        _members(org, BIG_ROWS if n == ORGS else MEMBERS)
        orgs.append(org)
    users: list[tuple[str, int]] = []
    for n in range(USERS):
        org = orgs[n % ORGS]
        user = User.objects.create_user(f"clerk{n:02d}@employer.example", PASSWORD)
        membership = Membership(user=user, organization=org)
        membership.set_roles(
            frozenset({Role.FILE_UPLOAD, Role.COMMUNICATIONS, Role.PAYROLL_MANAGER})
        )
        membership.save()
        users.append((user.email, org.pk))
    big = User.objects.create_user("bigfile@employer.example", PASSWORD)
    membership = Membership(user=big, organization=orgs[ORGS])
    membership.set_roles(frozenset({Role.FILE_UPLOAD}))
    membership.save()
    attachment = _pdf()
    for org in orgs[:ORGS]:
        publish_report(
            org,
            "Remittance statement",
            "other",
            [ReportFileInput("statement.pdf", "application/pdf", attachment)],
            published_by=staff[0],
            period="2026",
        )
    return Setup(users=users, big_user=(big.email, orgs[ORGS].pk), attachment=attachment)


def pay_file(rows: int, reference: str) -> bytes:
    return data.pay_file(rows, reference=reference)


# --- the processes --------------------------------------------------------------------------


class Processes:
    def __init__(self) -> None:
        self.web: subprocess.Popen[bytes] | None = None
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.scheduler: subprocess.Popen[bytes] | None = None
        self._n = 0

    def _start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        out = (WORK / f"{name}.log").open("ab")
        return subprocess.Popen(args, env=ENV, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def start_web(self) -> None:
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        self.web = self._start(
            "web", [gunicorn, "-c", "python:pensionportal.gunicorn_conf", "pensionportal.wsgi"]
        )

    def start_worker(self) -> str:
        self._n += 1
        worker_id = f"soak-worker-{self._n}"
        self.workers[worker_id] = self._start(
            worker_id,
            [
                PYTHON,
                "manage.py",
                "db_worker",
                "--interval",
                "0.5",
                "--no-reload",
                "--worker-id",
                worker_id,
            ],
        )
        return worker_id

    def start_scheduler(self) -> None:
        self.scheduler = self._start(
            "scheduler", [PYTHON, "manage.py", "run_scheduler", "--interval", "5"]
        )

    def web_children(self) -> list[int]:
        """The gunicorn master's worker processes (the web processes)."""
        assert self.web is not None
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.web.pid and fields[0] != "Z":
                    children.append(int(stat.parent.name))
        return sorted(children)

    def stop(self) -> None:
        for process in [self.web, self.scheduler, *self.workers.values()]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [self.web, self.scheduler, *self.workers.values()]:
            if process is None:
                continue
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_ready(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{BASE}/readyz", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit("the web tier did not become ready (see the logs in " + str(WORK) + ")")


# --- SMTP -----------------------------------------------------------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
        return "250 OK"


class Smtp:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=SMTP_PORT)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- the simulated users --------------------------------------------------------------------


@dataclass
class Sample:
    page: str
    status: int  # 0: no answer (connection error)
    seconds: float
    started: float
    ended: float
    error: str = ""


@dataclass
class Stats:
    samples: list[Sample] = field(default_factory=list)
    uploads: int = 0
    get_retries: int = 0
    messages: int = 0
    downloads: int = 0


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class User_:
    def __init__(self, email: str, org_id: int, stats: Stats, attachment: bytes) -> None:
        self.email, self.org_id, self.stats, self.attachment = email, org_id, stats, attachment
        # A connection idle for 2 s is not reused: gunicorn closes idle ones after 5 s, and
        # a request sent on a connection the server is closing gets no answer (browsers
        # retry those; this client does not, so that every failure counts).
        self.client = httpx.AsyncClient(
            base_url=BASE,
            timeout=120,
            follow_redirects=False,
            limits=httpx.Limits(keepalive_expiry=2.0),
        )
        self.cookies: dict[str, str] = {}
        self.submissions: list[str] = []

    async def request(self, page: str, method: str, url: str, **kw: Any) -> httpx.Response | None:
        started = time.monotonic()
        for attempt in (1, 2):
            if self.cookies:
                kw["headers"] = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            try:
                response = await self.client.request(method, url, **kw)
            except (httpx.RemoteProtocolError, httpx.ReadError) as error:
                # As a browser does (RFC 9110, 9.2.2): a GET that found its connection
                # closed is sent once more on a new one; a POST never is, it counts.
                if method == "GET" and attempt == 1:
                    self.stats.get_retries += 1
                    continue
                failure: Exception = error
            except httpx.HTTPError as error:
                failure = error
            else:
                self._keep_cookies(response)
                ended = time.monotonic()
                self.stats.samples.append(
                    Sample(page, response.status_code, ended - started, started, ended)
                )
                return response
            ended = time.monotonic()
            self.stats.samples.append(
                Sample(page, 0, ended - started, started, ended, type(failure).__name__)
            )
            return None
        return None

    def _keep_cookies(self, response: httpx.Response) -> None:
        """Production cookies are Secure (`__Host-`): an HTTP client keeps them only over
        TLS. On loopback, without TLS, this user keeps and sends them itself."""
        for header in response.headers.get_list("set-cookie"):
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if value in ('""', "") or "max-age=0" in attributes.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    async def token(self, page: str, url: str) -> tuple[str, str] | None:
        response = await self.request(page, "GET", url)
        if response is None or response.status_code != 200:
            return None
        match = CSRF.search(response.text)
        return (match.group(1), response.text) if match else None

    async def sign_in(self) -> bool:
        got = await self.token("sign-in page", "/accounts/login/")
        if got is None:
            return False
        response = await self.request(
            "sign in",
            "POST",
            "/accounts/login/",
            data={"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": got[0]},
        )
        return response is not None and response.status_code == 302

    async def upload(self, rows: int) -> None:
        got = await self.token("pension data", "/submissions/")
        if got is None:
            return
        reference = f"EFT-{self.org_id}-{secrets.token_hex(6)}"
        body = pay_file(rows, reference)
        response = await self.request(
            "upload PAY file",
            "POST",
            "/submissions/upload/",
            data={"organization": str(self.org_id), "csrfmiddlewaretoken": got[0]},
            files={"file": (f"PAY_{reference}.csv", body, "text/csv")},
        )
        if response is not None and response.status_code == 302:
            self.stats.uploads += 1
            self.submissions.append(response.headers.get("location", ""))

    async def look_at_submission(self) -> None:
        if not self.submissions:
            await self.request("pension data", "GET", "/submissions/")
            return
        url = random.choice(self.submissions)
        response = await self.request("submission detail", "GET", url)
        if response is not None and "Awaiting your confirmation" in response.text:
            match = CSRF.search(response.text)
            if match:
                await self.request(
                    "confirm warnings",
                    "POST",
                    url + "confirm/",
                    data={"confirm": "yes", "csrfmiddlewaretoken": match.group(1)},
                )

    async def send_message(self) -> None:
        got = await self.token("compose", "/messages/new/")
        if got is None:
            return
        mailbox = re.search(
            r'<select[^>]*name="mailbox"[^>]*>.*?<option value="(\d+)"', got[1], re.S
        )
        if mailbox is None:
            return
        response = await self.request(
            "send message",
            "POST",
            "/messages/new/",
            data={
                "organization": str(self.org_id),
                "mailbox": mailbox.group(1),
                "subject": "Soak test question",
                "body": "Please see the attached statement.",
                "csrfmiddlewaretoken": got[0],
            },
            files={"attachments": ("statement.pdf", self.attachment, "application/pdf")},
        )
        if response is not None and response.status_code == 302:
            self.stats.messages += 1

    async def download_report(self) -> None:
        response = await self.request("reports", "GET", "/reports/")
        if response is None or response.status_code != 200:
            return
        links = re.findall(r'href="(/reports/\d+/)"', response.text)
        if not links:
            return
        detail = await self.request("report", "GET", random.choice(links))
        if detail is None:
            return
        files = re.findall(r'href="(/reports/\d+/files/\d+/)"', detail.text)
        if files:
            got = await self.request("report download", "GET", random.choice(files))
            if got is not None and got.status_code == 200:
                self.stats.downloads += 1


class UploadBudget:
    """At most UPLOADS_PER_MINUTE PAY files across all users (what 2 workers can keep up with
    beside the rest of the load), so the queue drains; see docs/operations.md for sizing."""

    def __init__(self) -> None:
        self.interval = 60.0 / UPLOADS_PER_MINUTE
        self.next = time.monotonic() + 5

    def take(self) -> bool:
        now = time.monotonic()
        if now < self.next:
            return False
        self.next = max(self.next + self.interval, now)
        return True


async def simulate(user: User_, deadline: float, budget: UploadBudget) -> None:
    await asyncio.sleep(random.uniform(0, 10))  # users arrive over ten seconds
    signed_in = False
    while time.monotonic() < deadline:
        if not signed_in:
            signed_in = await user.sign_in()
            if not signed_in:
                await asyncio.sleep(2)
                continue
        if budget.take():
            await user.upload(int(random.uniform(MIN_ROWS, MAX_ROWS)))
        else:
            action = random.choices(
                [user.look_at_submission, user.send_message, user.download_report, None],
                weights=[3, 1, 2, 4],
            )[0]
            if action is None:
                response = await user.request("inbox", "GET", "/messages/")
                if response is not None and response.status_code == 302:
                    signed_in = False  # the session ended: sign in again
            else:
                await action()
        await asyncio.sleep(random.uniform(1.0, 3.0))  # a person reads the page
    await user.client.aclose()


# --- the faults -----------------------------------------------------------------------------


@dataclass
class Faults:
    web_killed_at: float = 0.0
    web_respawned: bool = False
    worker_killed_at: float = 0.0
    worker_kill: dict[str, Any] = field(default_factory=dict)
    smtp_stopped_at: float = 0.0
    smtp_started_at: float = 0.0


def _big_submission() -> Submission | None:
    return Submission.objects.filter(organization__name=f"Soak Employer {ORGS:02d}").first()


def kill_worker_mid_apply(processes: Processes, faults: Faults, deadline: float) -> None:
    """Wait for the 100,000-row file to be applying, find the worker holding it, SIGKILL it."""
    from django_tasks_db.models import DBTaskResult

    while time.monotonic() < deadline:
        submission = _big_submission()
        if submission is not None and submission.status == Status.APPLYING:
            time.sleep(0.5)  # well into the apply
            submission.refresh_from_db()
            if submission.status != Status.APPLYING:
                continue
            running = DBTaskResult.objects.filter(
                status="RUNNING", args_kwargs__args=[submission.pk]
            ).first()
            if running is None or not running.worker_ids:
                time.sleep(0.1)
                continue
            worker_id = running.worker_ids[-1]
            process = processes.workers.get(worker_id)
            if process is None:
                continue
            process.send_signal(signal.SIGKILL)
            process.wait()
            faults.worker_killed_at = time.monotonic()
            time.sleep(1)
            submission.refresh_from_db()
            faults.worker_kill = {
                "submission": submission.reference,
                "rows": BIG_ROWS,
                "worker": worker_id,
                "status_after_kill": submission.status,
                "ledger_rows_after_kill": Contribution.objects.filter(
                    source_submission_id=submission.pk
                ).count(),
            }
            log(f"killed {worker_id} (SIGKILL) while applying: {faults.worker_kill}")
            processes.start_worker()
            connection.close()
            return
        time.sleep(0.1)
    connection.close()


def kill_a_web_process(processes: Processes, faults: Faults) -> None:
    children = processes.web_children()
    if not children:
        log("no web process to kill")
        return
    victim = children[0]
    os.kill(victim, signal.SIGKILL)
    faults.web_killed_at = time.monotonic()
    log(f"killed web process {victim} (SIGKILL)")
    for _ in range(100):
        time.sleep(0.2)
        now = processes.web_children()
        if len(now) == WEB_PROCESSES and victim not in now:
            faults.web_respawned = True
            log(f"gunicorn started web process {set(now) - set(children)}")
            return


async def faults_timeline(
    processes: Processes, smtp: Smtp, faults: Faults, setup_: Setup, started: float, deadline: float
) -> None:
    big = User_(setup_.big_user[0], setup_.big_user[1], Stats(), setup_.attachment)
    await asyncio.sleep(SECONDS * 0.15)
    if await big.sign_in():
        log(f"uploading the {BIG_ROWS}-row PAY file")
        await big.upload(BIG_ROWS)
    killer = asyncio.to_thread(kill_worker_mid_apply, processes, faults, deadline + APPLY_WAIT)
    killing = asyncio.ensure_future(killer)
    confirming = asyncio.ensure_future(confirm_when_asked(big, deadline + APPLY_WAIT))
    await asyncio.sleep(max(0.0, started + SECONDS * 0.35 - time.monotonic()))
    smtp.stop()
    faults.smtp_stopped_at = time.monotonic()
    log(f"SMTP server stopped for {SMTP_OUTAGE:.0f} s")
    await asyncio.sleep(SMTP_OUTAGE)
    smtp.start()
    faults.smtp_started_at = time.monotonic()
    log("SMTP server started again")
    await asyncio.sleep(max(0.0, started + SECONDS * 0.7 - time.monotonic()))
    await asyncio.to_thread(kill_a_web_process, processes, faults)
    await killing
    await confirming
    await big.client.aclose()


def _big_status() -> str | None:
    submission = _big_submission()
    connection.close()
    return None if submission is None else str(submission.status)


async def confirm_when_asked(big: User_, until: float) -> None:
    """The payroll-history checks (issue 16) warn about the generated file (its pay is drawn
    at random): its clerk reads the warnings and confirms, as the other users do, so that
    the file reaches the apply the worker fault waits for."""
    while time.monotonic() < until:
        status = await asyncio.to_thread(_big_status)
        if status == Status.AWAITING_CONFIRMATION:
            await big.look_at_submission()
        elif status not in (None, Status.RECEIVED, Status.VALIDATING):
            return
        await asyncio.sleep(2)


# --- the end: drain, check, report ----------------------------------------------------------


def drain() -> float:
    from django_tasks_db.models import DBTaskResult

    from pensionportal.core.models import EmailStatus, OutgoingEmail

    started = time.monotonic()
    while time.monotonic() - started < DRAIN_SECONDS:
        busy = Submission.objects.filter(
            status__in=[Status.RECEIVED, Status.VALIDATING, Status.APPLYING, Status.ACCEPTED]
        ).count()
        ready = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        queued = OutgoingEmail.objects.filter(status=EmailStatus.QUEUED).count()
        if busy == ready == queued == 0:
            break
        time.sleep(2)
    connection.close()
    return time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    if connection.vendor != "postgresql":
        raise SystemExit("the soak test runs on PostgreSQL: use `make soak`")
    setup_ = setup()
    connection.close()
    smtp = Smtp()
    smtp.start()
    processes = Processes()
    processes.start_web()
    for _ in range(WORKERS):
        processes.start_worker()
    processes.start_scheduler()
    faults = Faults()
    stats = Stats()
    try:
        wait_ready()
        log(f"web on {BASE} ({WEB_PROCESSES} processes), {WORKERS} workers, scheduler")
        started = time.monotonic()
        deadline = started + SECONDS
        budget = UploadBudget()
        loads: list[float] = []
        users = [User_(email, org, stats, setup_.attachment) for email, org in setup_.users]

        async def machine_load() -> None:
            while time.monotonic() < deadline:
                loads.append(os.getloadavg()[0])
                await asyncio.sleep(10)

        async def run() -> None:
            await asyncio.gather(
                machine_load(),
                faults_timeline(processes, smtp, faults, setup_, started, deadline),
                *(simulate(user, deadline, budget) for user in users),
            )

        asyncio.run(run())
        log(f"load stopped after {time.monotonic() - started:.0f} s; draining the queues")
        drained = drain()
        verify = subprocess.run(
            [PYTHON, "manage.py", "audit_verify"], env=ENV, cwd=ROOT, capture_output=True, text=True
        )
        return report(stats, faults, smtp, drained, verify, loads)
    finally:
        processes.stop()
        smtp.stop()


def report(
    stats: Stats, faults: Faults, smtp: Smtp, drained: float, verify: Any, loads: list[float]
) -> int:
    from django_tasks_db.models import DBTaskResult

    from pensionportal.core.models import EmailStatus, OutgoingEmail
    from pensionportal.operations.reaper import LOST_WORKER_CLASS

    failures: list[str] = []
    samples = stats.samples
    by_status = Counter(s.status for s in samples)
    # In flight on the killed web process: started before the kill, ended (without an answer)
    # within the 30 s after it.
    # The killed web process's requests: those in flight when it was killed, and those sent
    # on a keep-alive connection it held (reset on first use; a connection idles at most
    # gunicorn's 5 s keep-alive): no answer, ending within KILL_WINDOW s of the kill.
    in_flight = [
        s
        for s in samples
        if s.status == 0
        and faults.web_killed_at
        and faults.web_killed_at <= s.ended <= faults.web_killed_at + KILL_WINDOW
        and s.error in ("RemoteProtocolError", "ReadError", "WriteError", "ConnectError")
    ]
    others = [s for s in samples if s.status == 0 and s not in in_flight]
    no_answer = [
        {
            "page": s.page,
            "error": s.error,
            "started_after_kill_s": round(s.started - faults.web_killed_at, 2),
            "ended_after_kill_s": round(s.ended - faults.web_killed_at, 2),
            "attributed_to_kill": s in in_flight,
        }
        for s in samples
        if s.status == 0
    ]
    refused = Counter(f"{s.page} {s.status}" for s in samples if s.status >= 400)
    server_errors = [s for s in samples if s.status >= 500]
    if server_errors:
        failures.append(
            f"{len(server_errors)} answers were 5xx: {Counter(s.page for s in server_errors)}"
        )
    if others:
        failures.append(f"{len(others)} requests got no answer outside the killed web process")
    pages: dict[str, list[float]] = defaultdict(list)
    for s in samples:
        if s.status:
            pages[s.page].append(s.seconds)

    submissions = list(Submission.objects.all())
    ledger = dict(
        Contribution.objects.values_list("source_submission_id").annotate(
            n=django.db.models.Count("id")
        )
    )
    applied = [s for s in submissions if s.status == Status.APPLIED]
    mismatched = [s.reference for s in applied if ledger.get(s.pk, 0) != s.rows_total]
    stuck = [s.reference for s in submissions if s.status in (Status.VALIDATING, Status.APPLYING)]
    unapplied = [s.reference for s in submissions if s.status in (Status.RECEIVED, Status.ACCEPTED)]
    statuses = Counter(str(s.status) for s in submissions)
    if mismatched:
        failures.append(f"ledger rows differ from detail rows for {mismatched}")
    if stuck:
        failures.append(f"left in validating/applying: {stuck}")
    if unapplied:
        failures.append(f"accepted but never applied: {unapplied}")
    big = _big_submission()
    if big is None or big.status != Status.APPLIED or ledger.get(big.pk, 0) != BIG_ROWS:
        failures.append("the 100,000-row file killed mid-apply was not applied exactly once")
    if not faults.worker_kill:
        failures.append("the worker was never killed mid-apply (the fault did not happen)")
    elif faults.worker_kill["ledger_rows_after_kill"] != 0:
        failures.append("rows of the killed apply were visible after the kill (half-applied)")
    if not faults.web_respawned:
        failures.append("the killed web process was not replaced")
    emails = Counter(OutgoingEmail.objects.values_list("status", flat=True))
    retried = OutgoingEmail.objects.filter(status=EmailStatus.SENT, attempts__gt=1).count()
    if emails.get(EmailStatus.QUEUED, 0) or emails.get(EmailStatus.FAILED, 0):
        failures.append(f"e-mail not delivered: {dict(emails)}")
    if retried == 0:
        failures.append("no e-mail waited out the SMTP outage (the outage had no effect?)")
    if smtp.mailbox.count < emails.get(EmailStatus.SENT, 0):
        failures.append("the SMTP server received fewer messages than were marked sent")
    dead = list(
        DBTaskResult.objects.filter(status="FAILED").values_list(
            "task_path", "exception_class_path"
        )
    )
    lost = [d for d in dead if d[1] == LOST_WORKER_CLASS]
    if not lost:
        failures.append("the killed worker's task was not marked as lost")
    if verify.returncode != 0:
        failures.append("audit_verify failed: " + verify.stderr[-500:])
    recovered = Submission.objects.filter(recoveries__gt=0).count()
    busy: dict[int, float] = defaultdict(float)
    for task in DBTaskResult.objects.filter(
        status="SUCCESSFUL", task_path__regex=r"(validate|apply)_submission$"
    ):
        if task.started_at and task.finished_at and task.args_kwargs.get("args"):
            took = task.finished_at - task.started_at
            busy[task.args_kwargs["args"][0]] += took.total_seconds()
    normal = [s for s in applied if big is None or s.pk != big.pk]
    seconds_per_file = statistics.mean(busy[s.pk] for s in normal) if normal else 0.0
    rows_per_second = (
        sum(s.rows_total for s in normal) / sum(busy[s.pk] for s in normal) if normal else 0.0
    )
    minutes = SECONDS / 60
    rows_applied = sum(s.rows_total for s in applied)
    results = {
        "seconds": SECONDS,
        "cores": os.cpu_count(),
        "load_average_1min_during_run": {
            "mean": round(statistics.mean(loads), 1) if loads else None,
            "max": round(max(loads), 1) if loads else None,
        },
        "users": USERS,
        "organizations": ORGS,
        "requests": len(samples),
        "requests_per_second": round(len(samples) / SECONDS, 1),
        "by_status": {str(k): v for k, v in sorted(by_status.items())},
        "no_answer_in_flight_on_killed_web_process": len(in_flight),
        "no_answer": no_answer,
        "get_sent_again_on_a_new_connection": stats.get_retries,
        "4xx_5xx_by_page": dict(refused),
        "pages": {
            page: {
                "n": len(values),
                "p50_ms": round(1000 * statistics.median(values)),
                "p95_ms": round(1000 * percentile(values, 0.95)),
            }
            for page, values in sorted(pages.items())
        },
        "uploads": stats.uploads + 1,
        "submissions": dict(statuses),
        "rows_applied": rows_applied,
        "files_per_hour": round(len(applied) / (SECONDS + drained) * 3600),
        "rows_per_minute": round(rows_applied / minutes),
        "worker_seconds_per_file": round(seconds_per_file, 1),
        "worker_rows_per_second": round(rows_per_second),
        "files_per_worker_hour": round(3600 / seconds_per_file) if seconds_per_file else 0,
        "worker_utilization": round(sum(busy.values()) / (WORKERS * (SECONDS + drained)), 2),
        "big_file_apply_after_recovery_s": round(busy.get(big.pk, 0.0), 1) if big else None,
        "messages_sent": stats.messages,
        "report_downloads": stats.downloads,
        "emails": {str(k): v for k, v in emails.items()},
        "emails_delivered_after_retry": retried,
        "smtp_messages_received": smtp.mailbox.count,
        "dead_tasks": len(dead),
        "worker_kill": faults.worker_kill,
        "submissions_recovered_by_reaper": recovered,
        "web_process_replaced": faults.web_respawned,
        "drain_seconds": round(drained),
        "audit_verify": verify.stdout.strip(),
        "failures": failures,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    print(f"\n{'page':<22}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}")
    for page, figures in results["pages"].items():  # type: ignore[union-attr]
        print(f"{page:<22}{figures['n']:>10}{figures['p50_ms']:>10}{figures['p95_ms']:>10}")
    if failures:
        print("\nSOAK FAILED:\n- " + "\n- ".join(failures))
        print(f"(process logs in {WORK})")
        return 1
    print(
        f"\nSOAK PASSED: {len(samples)} requests, {len(applied)} files applied exactly once, "
        f"{emails.get(EmailStatus.SENT, 0)} e-mails delivered, audit trail intact."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
