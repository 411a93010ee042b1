"""List pages at a plan's size (issue 18, "Must do" 3).

Seeds, on PostgreSQL: PAGES_EMPLOYERS employers (default 1,000), PAGES_MEMBERS members
(default 200,000, by COPY; one encrypted SIN shared by all, the pages show only its last
digits), PAGES_MESSAGES secure messages (default 1,000,000; bench/search.py's generator:
real encryption and blind-index tokens) and a year of bi-weekly PAY submissions with their
remittance advices (26 per employer), plus a buyback and a missed-contributions case for a
tenth of the employers. Then serves the portal with gunicorn (2 processes x 8 threads, the
production configuration) and, with 16 concurrent clients signed in (a staff member with
every role, an employer's user), fetches each list page PAGES_REQUESTS times (default 200):
p50/p95 latency, throughput, and its query count (counted in-process on the same data).

Peer, same run, same stack: a hello-world view behind the same middleware and sign-in
(bench/pages_urls.py). Printed: each page's p95 and throughput and the ratios to the peer.
Targets: inbox p95 <= 100 ms; inbox throughput >= 40 % of the hello-world view's.

    make bench-pages                               # throw-away PostgreSQL, the issue's sizes
    PAGES_MESSAGES=100000 PAGES_MEMBERS=50000 make bench-pages   # smaller
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH))
os.environ["DJANGO_SETTINGS_MODULE"] = "pages_settings"
os.environ.setdefault("PORTAL_STORAGE_DIR", str(ROOT / "var" / "bench-storage"))
os.environ["SEARCH_MESSAGES"] = os.environ.get("PAGES_MESSAGES", "1000000")
os.environ["SEARCH_ORGS"] = os.environ.get("PAGES_EMPLOYERS", "1000")

import search as message_bench  # noqa: E402  (django.setup() and the message generator)
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from pensionportal.accounts import sessions  # noqa: E402
from pensionportal.accounts.models import (  # noqa: E402
    Membership,
    Role,
    StaffRole,
    StaffRoleGrant,
    User,
)
from pensionportal.accounts.session_store import SessionStore  # noqa: E402
from pensionportal.core import crypto  # noqa: E402
from pensionportal.members.models import Member  # noqa: E402
from pensionportal.missed.models import Case  # noqa: E402
from pensionportal.remittances.models import AdviceSource, RemittanceAdvice  # noqa: E402
from pensionportal.submissions.models import Source, Status, Submission  # noqa: E402

MEMBERS = int(os.environ.get("PAGES_MEMBERS", "200000"))
REQUESTS = int(os.environ.get("PAGES_REQUESTS", "200"))
CLIENTS = 16
PORT = int(os.environ.get("PAGES_PORT", "8130"))
FIRST_PAY = dt.date(2025, 12, 12)


def _say(text: str) -> None:
    print(f"[bench-pages {time.strftime('%H:%M:%S')}] {text}", flush=True)


def seed() -> dict[str, Any]:
    world = message_bench.seed()  # migrate, employers, staff, employer user, messages
    orgs: list[int] = world["orgs"]
    staff: User = world["staff"]
    employer: User = world["employer"]
    for role in StaffRole:
        StaffRoleGrant.objects.get_or_create(user=staff, role=role)
    TOTP.activate(staff, generate_totp_secret())  # staff must have a second factor
    membership = Membership.objects.get(user=employer)
    membership.set_roles(frozenset(Role))
    membership.save()
    TOTP.activate(employer, generate_totp_secret())  # an administrator must have one too

    began = time.perf_counter()
    sin = crypto.encrypt_text("046454286")
    today = timezone.now()

    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}

    def member_rows() -> Any:
        for n in range(MEMBERS):
            values = {
                **defaults,
                "organization_id": orgs[n % len(orgs)],
                "employee_id": f"E{n:07d}",
                "sin_encrypted": sin,
                "sin_index": f"{n:064x}",
                "sin_last3": "286",
                "last_name": f"Surname{n % 9973}",
                "first_name": f"Given{n % 541}",
                "birth_date": dt.date(1980, 1, 1) + dt.timedelta(days=n % 9000),
                "hire_date": dt.date(2015, 1, 5),
                "membership_date": dt.date(2015, 1, 5),
                "employment_type": "FT",
                "employment_ratio": Decimal("1"),
                "pay_rate": Decimal("60000"),
                "standard_hours": Decimal("37.5"),
                "created_at": today,
                "updated_at": today,
            }
            yield tuple(values[f.attname] for f in fields)

    message_bench._copy("members_member", columns, member_rows())
    _say(f"{MEMBERS:,} members copied in {time.perf_counter() - began:.0f} s")

    began = time.perf_counter()
    submissions, advices = [], []
    for org in orgs:
        for i in range(26):
            pay_date = FIRST_PAY + dt.timedelta(days=14 * i)
            reference = f"EFT-{org}-{i:02d}"
            common = {
                "organization_id": org,
                "pay_date": pay_date,
                "period_start": pay_date - dt.timedelta(days=19),
                "period_end": pay_date - dt.timedelta(days=6),
            }
            submissions.append(
                Submission(
                    template="PAY",
                    source=Source.UPLOAD,
                    status=Status.APPLIED,
                    filename=f"PAY_{pay_date}.csv",
                    sha256=f"{org:032x}{i:032x}",
                    pay_cycle="bi-weekly",
                    payment_reference=reference,
                    remittance_amount=Decimal("20000.00"),
                    submitted_by=staff,
                    **common,
                )
            )
            advices.append(
                RemittanceAdvice(
                    payment_reference=reference,
                    member_contributions=Decimal("10000.00"),
                    employer_regular=Decimal("10000.00"),
                    source=AdviceSource.values[0],
                    entered_by=staff,
                    **common,
                )
            )
    Submission.objects.bulk_create(submissions, batch_size=2000)
    RemittanceAdvice.objects.bulk_create(advices, batch_size=2000)
    Case.objects.bulk_create(
        Case(
            organization_id=org,
            invoice_date=FIRST_PAY,
            employer_due_date=FIRST_PAY + dt.timedelta(days=30),
        )
        for org in orgs[::10]
    )
    with connection.cursor() as cursor:
        for table in ("members_member", "submissions_submission", "remittances_remittanceadvice"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    _say(f"{len(submissions):,} PAY submissions and advices in {time.perf_counter() - began:.0f} s")
    return world


def _cookie(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    sessions.start(store)
    store.set_expiry(8 * 3600)
    store.save()
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _pages(world: dict[str, Any]) -> list[tuple[str, str, User]]:
    org = world["orgs"][0]
    staff, employer = world["staff"], world["employer"]
    return [
        ("hello-world (peer)", "/bench/hello/", staff),
        ("inbox (staff)", "/messages/", staff),
        ("inbox (employer)", "/messages/", employer),
        ("message search (staff)", "/messages/?words=salary", staff),
        ("file list", "/files/", staff),
        ("submissions", "/submissions/", staff),
        ("members", "/members/", staff),
        ("members (employer)", "/members/", employer),
        ("remittances", "/remittances/", staff),
        ("remittances (employer)", f"/remittances/org/{org}/", employer),
        ("buybacks", "/buybacks/", staff),
        ("missed contributions", "/missed/", staff),
        ("audit trail", "/staff/audit/", staff),
        ("staff worklist", "/worklist/staff/", staff),
        ("employer to-do", f"/worklist/todo/{org}/", employer),
    ]


def _query_count(user: User, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    return len(queries)


def _load(url: str, cookie: str) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    todo = iter(range(REQUESTS))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while True:
            with lock:
                if next(todo, None) is None:
                    break
            began = time.perf_counter()
            conn.request("GET", url, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - began
            if response.status != 200:
                raise SystemExit(f"{url}: HTTP {response.status}")
            with lock:
                latencies.append(took)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, REQUESTS / (time.perf_counter() - began)


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench-pages measures PostgreSQL: run it through scripts/ci_postgres.sh")
    world = seed()
    pages = _pages(world)
    cookies = {user.pk: _cookie(user) for _, _, user in pages}
    counts = {label: _query_count(user, url) for label, url, user in pages}
    connection.close()
    env = {
        **os.environ,
        "PYTHONPATH": f"{BENCH}:{ROOT / 'src'}",
        "PORTAL_BIND": f"127.0.0.1:{PORT}",
        "PORTAL_WEB_PROCESSES": "2",
        "PORTAL_WEB_THREADS": "8",
        "PORTAL_WEB_MAX_REQUESTS": "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:pensionportal.gunicorn_conf",
            "pensionportal.wsgi",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for label, url, user in pages:
            _load(url, cookies[user.pk])  # warm every worker
            latencies, throughput = _load(url, cookies[user.pk])
            results[label] = (statistics.median(latencies) * 1000, _p95(latencies), throughput)
            _say(f"{label}: p95 {results[label][1]:.0f} ms, {throughput:.0f} req/s")
    finally:
        server.terminate()
        server.wait(timeout=30)
    peer = results["hello-world (peer)"]
    print()
    print(
        f"bench-pages: {len(world['orgs']):,} employers, {MEMBERS:,} members, "
        f"{message_bench.MESSAGES:,} messages, {26 * len(world['orgs']):,} PAY submissions; "
        f"{CLIENTS} clients, {REQUESTS} requests a page, gunicorn 2 x 8 threads"
    )
    print(
        f"{'page':<28}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>8}"
        f"{'p95/peer':>10}{'thr/peer':>10}"
    )
    for label, (p50, p95, throughput) in results.items():
        print(
            f"{label:<28}{counts[label]:>8}{p50:>9.1f}{p95:>9.1f}{throughput:>8.0f}"
            f"{p95 / peer[1]:>10.2f}{throughput / peer[2]:>9.0%}"
        )
    inbox = results["inbox (staff)"]
    p95_met = "met" if inbox[1] <= 100 else "NOT met"
    share = inbox[2] / peer[2]
    print(
        f"\ntargets: inbox p95 {inbox[1]:.0f} ms (<= 100: {p95_met}); inbox throughput "
        f"{share:.0%} of hello-world's (>= 40 %: {'met' if share >= 0.4 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
