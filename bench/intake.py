"""Intake benchmark (issues 8 and 18).

A PAY file of 100,000 detail rows for one employer with 100,000 enrolled members: the whole
pipeline - read, validate, expected contributions, registry and payroll-history checks,
apply - on PostgreSQL, timed as the worker runs it (`intake.validate_submission`, which
applies a clean file in the same task). Two peers, measured in the same run:

- frictionless validating the same detail table against an equivalent Table Schema (types,
  required, enums, primary key). Target (issue 18): our whole pipeline >= 5x faster than
  frictionless's validation alone, peak memory <= 300 MB.
- a bare `COPY` of the very rows our apply wrote into an unlogged copy of the ledger table
  (same columns and indexes, no foreign key, no WAL). Target: our apply <= 2x that.

    make bench-intake            # starts a throw-away PostgreSQL server and runs this
    python bench/intake.py N     # against DATABASE_URL (must be PostgreSQL for the target)
"""

from __future__ import annotations

import csv
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pensionportal.settings")
os.environ.setdefault("PORTAL_STORAGE_DIR", str(ROOT / "var" / "bench-storage"))

import django  # noqa: E402
from peak_memory import peak_mb  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from pensionportal.accounts.models import Organization, OrganizationKind, Plan, User  # noqa: E402
from pensionportal.core import crypto  # noqa: E402
from pensionportal.datafiles import bench as data  # noqa: E402
from pensionportal.files import store  # noqa: E402
from pensionportal.members.models import Contribution, Member  # noqa: E402
from pensionportal.submissions import intake  # noqa: E402
from pensionportal.submissions.models import Status, Submission  # noqa: E402

RUNS = 3
ORG = "Bench Employer"
SPEED_TARGET = 5.0
APPLY_TARGET = 2.0
MEMORY_TARGET_MB = 300


def setup(n: int) -> tuple[Organization, User]:
    call_command("migrate", verbosity=0)
    org, _ = Organization.objects.get_or_create(
        name=ORG,
        defaults={
            "kind": OrganizationKind.EMPLOYER,
            "plan": Plan.SELECT,
            "plan_participation_date": data.PARTICIPATION.participation_date,
        },
    )
    user = User.objects.filter(email="bench@example.com").first() or User.objects.create_user(
        "bench@example.com", is_staff=True
    )
    if Member.objects.filter(organization=org).count() != n:
        Contribution.objects.filter(organization=org).delete()
        Member.objects.filter(organization=org).delete()
        sin = crypto.encrypt_text("550911895")
        hired = date(2020, 1, 1)
        Member.objects.bulk_create(
            (
                Member(
                    organization=org,
                    employee_id=eid,
                    sin_encrypted=sin,
                    sin_index=f"bench-{eid}",
                    sin_last3="895",
                    last_name="L",
                    first_name="F",
                    birth_date=date(1980, 1, 1),
                    hire_date=hired,
                    membership_date=hired,
                    employment_type="FT",
                    employment_ratio=1,
                    # The generated pays (2,000 to 5,000 a biweekly period) stay under the
                    # plausibility ceiling (2 x the period's share of this rate): the file
                    # applies without warnings, as a clean payroll's would.
                    pay_rate=120000,
                    standard_hours=37.5,
                )
                for eid in data.employee_ids(n)
            ),
            batch_size=10_000,
        )
    return org, user


def _warm_up() -> None:
    """What a long-running worker has done once already: URL conf, rule parameters, the
    reader and the e-mail machinery loaded."""
    from django.core.mail import get_connection
    from django.urls import reverse

    from pensionportal.datafiles.reader import read

    reverse("submissions:detail", args=[1])
    read(data.pay_file(10), "PAY_warm.csv")
    get_connection()


def prepare_run(n: int, k: int) -> int:
    """A fresh ledger and the run's file stored and recorded, as an upload leaves it; done
    in the parent process, so the measured process's peak memory is the pipeline's own,
    not the data generator's."""
    org, user = setup(n)
    Contribution.objects.filter(organization=org).delete()
    payload = data.pay_file(n, reference=f"EFT-{k}-{time.time_ns() % 10**12}")
    blob = store.store(
        [payload], purpose="submissions.pension_data", filename="PAY_bench.csv", organization=org
    )
    submission = Submission.objects.create(
        organization=org,
        source="upload",
        filename="PAY_bench.csv",
        file=blob,
        size=blob.size,
        sha256=blob.sha256,
        submitted_by=user,
    )
    return submission.pk


def one_run(n: int, submission_id: int) -> tuple[float, float, float]:
    submission = Submission.objects.get(pk=submission_id)
    assert submission.file is not None
    blob = submission.file
    _warm_up()
    apply_seconds: list[float] = []
    real_apply = intake.apply_submission

    def timed_apply(*args: object, **kwargs: object) -> Submission:
        began = time.perf_counter()
        try:
            return real_apply(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            apply_seconds.append(time.perf_counter() - began)

    intake.apply_submission = timed_apply  # type: ignore[assignment]
    started = time.perf_counter()
    # The worker's task: read, validate (with the expected-contribution check) and, the file
    # being clean, apply it in the same task.
    applied = intake.validate_submission(submission.pk)
    finished = time.perf_counter()
    intake.apply_submission = real_apply  # type: ignore[assignment]
    if applied.status != Status.APPLIED:
        problems = list(applied.problems.values_list("message", flat=True)[:5])
        raise SystemExit(f"bench file not applied: {applied.status} {problems}")
    assert Contribution.objects.filter(source_submission_id=submission.pk).count() == n
    middle = finished - sum(apply_seconds)
    store.purge(blob)
    return middle - started, finished - middle, finished - started


def frictionless_seconds(n: int) -> float:
    from frictionless import Resource, Schema, validate  # type: ignore[import-untyped]

    text = data.pay_file(n).decode()
    lines = text.split("\r\n")
    detail = "\r\n".join(lines[3:])  # the detail table: heading row + rows
    fields = [
        {
            "name": "Employee ID",
            "type": "string",
            "constraints": {"required": True, "pattern": "[A-Za-z0-9][A-Za-z0-9._/-]*"},
        },
        {"name": "Last Name", "type": "string"},
        {"name": "First Name", "type": "string"},
        {
            "name": "Contribution Type",
            "type": "string",
            "constraints": {"required": True, "enum": ["N", "R", "A"]},
        },
        {"name": "Pay Period Start Date", "type": "date"},
        {"name": "Pay Period End Date", "type": "date"},
        {
            "name": "Service Type",
            "type": "string",
            "constraints": {"required": True, "enum": ["REG", "LOAM", "LTIP"]},
        },
        {
            "name": "Pensionable Hours",
            "type": "number",
            "constraints": {"required": True, "minimum": 0},
        },
        {
            "name": "Pensionable Pay",
            "type": "number",
            "constraints": {"required": True, "minimum": 0},
        },
        {
            "name": "Employee Regular Contribution",
            "type": "number",
            "constraints": {"required": True, "minimum": 0},
        },
        {"name": "Buyback Contribution", "type": "number"},
        {"name": "Buyback Deduction Code", "type": "string"},
        {"name": "Employee Interest", "type": "number"},
        {
            "name": "Employer Regular Contribution",
            "type": "number",
            "constraints": {"required": True, "minimum": 0},
        },
        {"name": "Employer Special Contribution", "type": "number"},
        {"name": "Employer Interest", "type": "number"},
    ]
    heading = next(csv.reader(io.StringIO(detail)))
    for field, name in zip(fields, heading, strict=False):
        field["name"] = name
    schema = Schema.from_descriptor({"fields": fields, "primaryKey": [heading[0]]})
    resource_ = Resource(data=detail.encode(), format="csv", schema=schema)
    started = time.perf_counter()
    report = validate(resource_, limit_errors=1000)
    elapsed = time.perf_counter() - started
    if not report.valid:
        print("frictionless found errors:", report.flatten(["rowNumber", "fieldName", "type"])[:3])
    return elapsed


def copy_peer_seconds(org: Organization) -> float:
    """A bare COPY of the rows the last run applied into an unlogged copy of the ledger
    table (its columns, defaults and indexes; no foreign key, no WAL), committed."""
    from psycopg import sql

    from pensionportal.submissions.appliers import _LEDGER_COLUMNS

    table = Contribution._meta.db_table
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in _LEDGER_COLUMNS)
    peer = sql.Identifier("bench_ledger_copy")
    buffer = bytearray()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = sql.SQL("COPY (SELECT {} FROM {} WHERE organization_id = %s) TO STDOUT").format(
            columns, sql.Identifier(table)
        )
        with raw.copy(query, (org.pk,)) as copy:
            for block in copy:
                buffer += block
    timings = []
    for _ in range(RUNS):
        with connection.cursor() as cursor:
            raw = cursor.cursor
            raw.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(peer))
            raw.execute(
                sql.SQL("CREATE UNLOGGED TABLE {} (LIKE {} INCLUDING ALL)").format(
                    peer, sql.Identifier(table)
                )
            )
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(peer, columns)
            with cursor.cursor.copy(statement) as copy:
                view = memoryview(buffer)
                for offset in range(0, len(view), 1 << 20):
                    copy.write(view[offset : offset + (1 << 20)])
        timings.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(peer))
    return statistics.median(timings)


def measure(n: int) -> None:
    """One timed run in this process; prints seconds and the process's peak memory."""
    validate_s, apply_s, total_s = one_run(n, int(sys.argv[3]))
    print(f"{validate_s:.4f} {apply_s:.4f} {total_s:.4f} {peak_mb():.1f}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if len(sys.argv) > 2 and sys.argv[2] == "--measure":
        measure(n)
        return
    print(f"database: {connection.vendor}; preparing {n:,} members ...", flush=True)
    org, _user = setup(n)
    results = []
    for k in range(RUNS):  # each run in a fresh process, so peak memory is the run's own
        submission_id = prepare_run(n, k)
        done = subprocess.run(
            [sys.executable, __file__, str(n), "--measure", str(submission_id)],
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"run {k + 1} failed:\n{done.stderr[-3000:]}")
        out = done.stdout.split()[-4:]
        results.append([float(x) for x in out])
        print(
            f"run {k + 1}: validate {results[-1][0]:.2f} s, apply {results[-1][1]:.2f} s, "
            f"total {results[-1][2]:.2f} s, peak {results[-1][3]:.0f} MB",
            flush=True,
        )
    median_validate = statistics.median(r[0] for r in results)
    median_apply = statistics.median(r[1] for r in results)
    median_total = statistics.median(r[2] for r in results)
    peak = max(r[3] for r in results)
    friction = frictionless_seconds(n)
    copy_s = copy_peer_seconds(org)
    speed = friction / median_total
    apply_ratio = median_apply / copy_s
    print(f"\nPAY rows: {n:,}  members: {n:,}  database: {connection.vendor}")
    print(
        f"portal pipeline (median of {RUNS}): read + validate + expected contributions + "
        f"registry and history checks {median_validate:.2f} s, apply {median_apply:.2f} s, "
        f"total {median_total:.2f} s"
    )
    print(
        f"peak memory (each run's own process, VmHWM): {peak:.0f} MB "
        f"(target <= {MEMORY_TARGET_MB} MB) "
        f"{'OK' if peak <= MEMORY_TARGET_MB else 'OVER TARGET'}"
    )
    print(
        f"peer: frictionless {friction:.2f} s to validate the same detail table alone against "
        "an equivalent Table Schema (types, required, enums, primary key)"
    )
    print(
        f"ratio: frictionless validation / portal whole pipeline = {speed:.2f}x "
        f"(target >= {SPEED_TARGET:g}x) {'OK' if speed >= SPEED_TARGET else 'UNDER TARGET'}"
    )
    print(
        f"peer: bare COPY of the same {n:,} ledger rows into an unlogged copy of the ledger "
        f"table {copy_s:.2f} s (median of {RUNS})"
    )
    print(
        f"ratio: portal apply / bare COPY = {apply_ratio:.2f}x (target <= {APPLY_TARGET:g}x) "
        f"{'OK' if apply_ratio <= APPLY_TARGET else 'OVER TARGET'}"
    )


if __name__ == "__main__":
    main()
