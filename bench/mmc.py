"""Missed mandatory contributions benchmark (issue 8, "Must do" 5).

One employer with N members (default 100,000) and 26 applied bi-weekly PAY cycles: the
ledger holds N x 26 contribution rows less about 1 % missing, some short, a few leaves,
part-time arrangements and elections. Timed: the detection as the scheduled job runs it -
the bulk loads (registry, elections, ledger sums by the database), the pure detection and
the top-up step (the reported pay of the short periods) -
in a fresh process per run, median of 3, with the process's peak memory. Target <= 10 s.

    make bench-mmc                 # starts a throw-away PostgreSQL server and runs this
    python bench/mmc.py N          # against DATABASE_URL (PostgreSQL for the target)
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pensionportal.settings")
os.environ.setdefault("PORTAL_STORAGE_DIR", str(ROOT / "var" / "bench-storage"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from pensionportal.accounts.models import Organization, OrganizationKind, Plan, User  # noqa: E402
from pensionportal.core import crypto  # noqa: E402
from pensionportal.members.models import (  # noqa: E402
    Contribution,
    EmploymentChange,
    Leave,
    Member,
)
from pensionportal.missed import loading  # noqa: E402
from pensionportal.missed.detection import (  # noqa: E402
    NOT_REMITTED,
    detect,
    reclassify_top_up,
)
from pensionportal.submissions.models import Status, Submission  # noqa: E402

RUNS = 3
ORG = "MMC Bench Employer"
CYCLES = 26
FIRST_START = dt.date(2025, 12, 28)
AS_OF = dt.date(2026, 12, 31)
TARGET_S = 10.0


def _periods() -> list[tuple[dt.date, dt.date, dt.date]]:
    return [
        (
            FIRST_START + dt.timedelta(days=14 * i),
            FIRST_START + dt.timedelta(days=14 * i + 13),
            FIRST_START + dt.timedelta(days=14 * i + 19),
        )
        for i in range(CYCLES)
    ]


def _copy(model: type[Contribution], columns: list[str], rows: object) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(model._meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:  # type: ignore[attr-defined]
            copy.write_row(row)


def setup(n: int) -> Organization:
    call_command("migrate", verbosity=0)
    org, _ = Organization.objects.get_or_create(
        name=ORG,
        defaults={
            "kind": OrganizationKind.EMPLOYER,
            "plan": Plan.SELECT,
            "plan_participation_date": dt.date(2020, 1, 1),
        },
    )
    if Member.objects.filter(organization=org).count() == n:
        return org
    user = User.objects.filter(email="mmc-bench@example.com").first() or User.objects.create_user(
        "mmc-bench@example.com", is_staff=True
    )
    Contribution.objects.filter(organization=org).delete()
    EmploymentChange.objects.filter(member__organization=org).delete()
    Leave.objects.filter(member__organization=org).delete()
    Member.objects.filter(organization=org).delete()
    Submission.objects.filter(organization=org).delete()
    sin = crypto.encrypt_text("550911895")
    Member.objects.bulk_create(
        (
            Member(
                organization=org,
                employee_id=f"B{i:07d}",
                sin_encrypted=sin,
                sin_index=f"mmc-bench-{i}",
                sin_last3="895",
                last_name="L",
                first_name="F",
                birth_date=dt.date(1980, 1, 1),
                hire_date=dt.date(2025, 1, 6),
                # one member in 50 joined mid-year (the late-start cause)
                membership_date=dt.date(2026, 6, 1) if i % 50 == 7 else dt.date(2025, 1, 6),
                employment_type="FT",
                employment_ratio=Decimal(1),
                pay_rate=Decimal(45000 + (i % 40) * 1000),
                standard_hours=Decimal("37.5"),
            )
            for i in range(n)
        ),
        batch_size=10_000,
    )
    ids = list(Member.objects.filter(organization=org).order_by("id").values_list("id", flat=True))
    periods = _periods()
    submission_ids = []
    for k, (start, end, pay_date) in enumerate(periods):
        submission = Submission.objects.create(
            organization=org,
            template="PAY",
            source="upload",
            status=Status.APPLIED,
            filename=f"PAY_{pay_date}.csv",
            sha256="0" * 64,
            submitted_by=user,
            pay_cycle="bi-weekly",
            pay_date=pay_date,
            period_start=start,
            period_end=end,
            payment_reference=f"EFT-MMC-{k}",
        )
        submission_ids.append(submission.pk)
    # leaves for one member in 200, an arrangement for one in 300
    Leave.objects.bulk_create(
        Leave(
            member_id=mid,
            leave_type=("ESA_PAR", "DISC", "ILL", "LTIP")[i % 4],
            start_date=dt.date(2026, 3, 1),
            end_date=dt.date(2026, 3, 20) if i % 3 == 0 else None,
            expected_end_date=dt.date(2026, 9, 30),
        )
        for i, mid in enumerate(ids)
        if i % 200 == 3
    )
    EmploymentChange.objects.bulk_create(
        EmploymentChange(
            member_id=mid,
            effective_date=dt.date(2026, 5, 1),
            event_type="CHG",
            employment_ratio=Decimal("0.6"),
            reason="Temporary part-time work arrangement 2026-05-01 to 2026-10-31",
        )
        for i, mid in enumerate(ids)
        if i % 300 == 5
    )
    columns = [
        "organization_id",
        "member_id",
        "pay_date",
        "period_start",
        "period_end",
        "pay_cycle",
        "contribution_type",
        "service_type",
        "pensionable_hours",
        "pensionable_pay",
        "employee_regular",
        "buyback",
        "buyback_code",
        "employee_interest",
        "employer_regular",
        "employer_special",
        "employer_interest",
        "payment_reference",
        "source_submission_id",
        "source_row",
    ]

    amounts = []
    for j in range(40):
        pay = (Decimal(45000 + j * 1000) / Decimal("26.0893")).quantize(Decimal("0.01"))
        share = (pay * Decimal("0.03")).quantize(Decimal("0.01"))
        amounts.append((pay, share, (share / 2).quantize(Decimal("0.01"))))
    special = Decimal(0)  # the employer is past its first two years

    def rows() -> object:
        for i, mid in enumerate(ids):
            pay, share, half = amounts[i % 40]
            for k, (start, end, pay_date) in enumerate(periods):
                if (i * 31 + k) % 97 == 0:
                    continue  # about 1 % of member-periods missing
                short = (i * 17 + k) % 251 == 0
                yield (
                    org.pk,
                    mid,
                    pay_date,
                    start,
                    end,
                    "biweekly",
                    "N",
                    "REG",
                    Decimal(75),
                    pay,
                    half if short else share,
                    0,
                    "",
                    0,
                    half if short else share,
                    special,
                    0,
                    f"EFT-MMC-{k}",
                    submission_ids[k],
                    i + 1,
                )

    _copy(Contribution, columns, rows())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org


def one_run() -> tuple[float, float, float, int, int]:
    org = Organization.objects.get(name=ORG)
    employer = loading.employer_of(org)
    settings = loading.settings_for(org)
    started = time.perf_counter()
    records = loading.member_records(org)
    registry = time.perf_counter()
    ledger = loading.ledger(org)
    loaded = time.perf_counter()
    print(f"registry {registry - started:.2f} s, ledger {loaded - registry:.2f} s", file=sys.stderr)
    findings = detect(employer, records, ledger, AS_OF, settings)
    detected = time.perf_counter()
    # top-up salary: the short periods of regular service, against the pay reported (the
    # second step of actions.run_detection since issue 21)
    candidates = [
        (f.member_id, f.period.start)
        for f in findings
        if f.cause == NOT_REMITTED and f.plain_service and f.remitted_member > 0
    ]
    findings = reclassify_top_up(findings, loading.reported_pay(org, candidates), settings)
    finished = time.perf_counter()
    return loaded - started, detected - started, finished - started, len(candidates), len(findings)


def measure() -> None:
    load_s, before_top_up_s, total_s, candidates, count = one_run()
    if count == 0:
        raise SystemExit("no findings: the bench data did not load as expected")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{load_s:.4f} {before_top_up_s:.4f} {total_s:.4f} {candidates} {count} {peak_mb:.1f}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if len(sys.argv) > 2 and sys.argv[2] == "--measure":
        measure()
        return
    print(f"database: {connection.vendor}; preparing {n:,} members x {CYCLES} periods ...")
    began = time.perf_counter()
    setup(n)
    print(f"prepared in {time.perf_counter() - began:.0f} s", flush=True)
    results = []
    for k in range(RUNS):  # each run in a fresh process, so peak memory is the run's own
        done = subprocess.run(
            [sys.executable, __file__, str(n), "--measure"],
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"run {k + 1} failed:\n{done.stderr[-3000:]}")
        load_s, before_s, total_s, candidates, count, peak = done.stdout.split()[-6:]
        results.append((float(load_s), float(total_s), float(before_s), float(peak)))
        print(
            f"run {k + 1}: load {float(load_s):.2f} s, detection total {float(total_s):.2f} s "
            f"(before the top-up step {float(before_s):.2f} s; {candidates} short periods "
            f"read), findings {count}, peak {float(peak):.0f} MB "
            f"({done.stderr.strip()[-60:]})",
            flush=True,
        )
    median = statistics.median(r[1] for r in results)
    print(f"\nmembers: {n:,}  pay periods: {CYCLES}  member-periods: {n * CYCLES:,}")
    print(f"database: {connection.vendor}")
    print(
        f"detection (bulk load + pure detection): median {median:.2f} s "
        f"(target <= {TARGET_S:.0f} s) {'OK' if median <= TARGET_S else 'OVER TARGET'}"
    )
    print(f"load part: median {statistics.median(r[0] for r in results):.2f} s")
    # peer, same runs: the detection as it was before issue 21 (no top-up step)
    before = statistics.median(r[2] for r in results)
    print(
        f"peer, same runs - without the top-up step: median {before:.2f} s; "
        f"with it / without it: {median / before:.2f}x"
    )
    print(f"peak memory: {max(r[3] for r in results):.0f} MB")


if __name__ == "__main__":
    main()
