"""Missed mandatory contributions benchmark (issue 8 "Must do" 5; issue 18 "Must do" 1).

One employer with N members (default 100,000) and 26 applied bi-weekly PAY cycles: the
ledger holds N x 26 contribution rows less about 1 % missing, some short, a few leaves,
part-time arrangements and elections. Timed: the detection as the scheduled job runs it
(``loading.detect_findings``: the ledger screened in the database, the candidates' registry,
the pure detection, the top-up step), in a fresh process per run, median of 3, with the
process's own peak memory (its high-water mark: the seeding, in the parent, is not counted).
The peer, timed in the same process just before: a bare
``GROUP BY member, period`` over the same ledger, its two sums consumed in the database
(added up, so that PostgreSQL cannot leave them out). Targets
(issue 18): <= 3 s and <= 300 MB at 100,000 members, <= 3x the peer.

    make bench-mmc                        # 100,000 members on a throw-away PostgreSQL
    make bench-mmc MMC_MEMBERS=500000     # 100,000 then 500,000: how time grows
    python bench/mmc.py N [N2 ...]        # against DATABASE_URL (PostgreSQL for the target)

Each size re-seeds the one bench employer (the ledger of one employer at a time, as the
figures of issue 18 were taken).
"""

from __future__ import annotations

import datetime as dt
import os
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
from peak_memory import peak_mb  # noqa: E402

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
from pensionportal.missed import loading, screening  # noqa: E402
from pensionportal.submissions.models import Status, Submission  # noqa: E402

RUNS = 3
ORG = "MMC Bench Employer"
CYCLES = 26
FIRST_START = dt.date(2025, 12, 28)
AS_OF = dt.date(2026, 12, 31)
TARGET_S = 3.0
TARGET_MB = 300.0
TARGET_RATIO = 3.0
PEER = """
SELECT COUNT(*), SUM(m), SUM(e) FROM (
    SELECT member_id, period_start, SUM(employee_regular) AS m, SUM(employer_regular) AS e
    FROM members_contribution WHERE organization_id = %s GROUP BY member_id, period_start
) g
"""


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


def _peer(org: Organization) -> float:
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true)")  # as detection's query
        started = time.perf_counter()
        cursor.execute(PEER, [org.pk])
        cursor.fetchall()
        return time.perf_counter() - started


def measure() -> None:
    org = Organization.objects.get(name=ORG)
    peer_s = _peer(org)
    started = time.perf_counter()
    screened: list[float] = []
    real = screening.screen

    def timed(*args: object) -> object:
        began = time.perf_counter()
        try:
            return real(*args)  # type: ignore[arg-type]
        finally:
            screened.append(time.perf_counter() - began)

    screening.screen = timed  # type: ignore[assignment]
    findings = loading.detect_findings(org, AS_OF)
    total_s = time.perf_counter() - started
    if not findings:
        raise SystemExit("no findings: the bench data did not load as expected")
    print(f"{peer_s:.4f} {screened[0]:.4f} {total_s:.4f} {len(findings)} {peak_mb():.1f}")


def bench(n: int) -> float:
    print(f"\n== {n:,} members x {CYCLES} periods; preparing ...", flush=True)
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
        peer_s, screen_s, total_s, count, peak = done.stdout.split()[-5:]
        results.append((float(peer_s), float(screen_s), float(total_s), float(peak)))
        print(
            f"run {k + 1}: detection {float(total_s):.2f} s (screening query "
            f"{float(screen_s):.2f} s), findings {count}, peak {float(peak):.0f} MB; "
            f"peer GROUP BY {float(peer_s):.2f} s; ratio {float(total_s) / float(peer_s):.2f}x",
            flush=True,
        )
    median = statistics.median(r[2] for r in results)
    peer = statistics.median(r[0] for r in results)
    highest = max(r[3] for r in results)
    print(f"members: {n:,}  pay periods: {CYCLES}  member-periods: {n * CYCLES:,}")
    print(f"database: {connection.vendor}")
    print(
        f"detection: median {median:.2f} s"
        + (
            f" (target <= {TARGET_S:.0f} s) {'OK' if median <= TARGET_S else 'OVER'}"
            if n == 100_000
            else ""
        )
    )
    print(f"screening query: median {statistics.median(r[1] for r in results):.2f} s")
    print(
        f"peak memory (each run's own process, VmHWM, seeding not counted): {highest:.0f} MB"
        + (
            f" (target <= {TARGET_MB:.0f} MB) {'OK' if highest <= TARGET_MB else 'OVER'}"
            if n == 100_000
            else ""
        )
    )
    ratio = median / peer
    print(
        f"peer, same runs - bare GROUP BY member, period: median {peer:.2f} s; "
        f"detection / peer: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x) "
        f"{'OK' if ratio <= TARGET_RATIO else 'OVER'}"
    )
    return median


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[2] == "--measure":
        measure()
        return
    sizes = sorted({int(a) for a in sys.argv[1:]} or {100_000})
    print(f"database: {connection.vendor}; sizes: {', '.join(f'{n:,}' for n in sizes)}")
    medians = {n: bench(n) for n in sizes}
    if len(sizes) > 1:
        first = sizes[0]
        print("\nhow time grows (median detection):")
        for n in sizes:
            print(
                f"  {n:>9,} members: {medians[n]:6.2f} s - {n / first:.1f}x the members, "
                f"{medians[n] / medians[first]:.2f}x the time"
            )


if __name__ == "__main__":
    main()
