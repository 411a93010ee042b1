"""Timing of read + validate (with the expected-contribution check) for N PAY rows.

``python -m pensionportal.datafiles.bench [N]`` prints the timings. :func:`pay_file` makes
the data (reused by the Django end-to-end benchmark): N members, each with a Normal row
whose contributions follow the plan's formula, so a correct file yields no problems.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import sys
import time
from decimal import Decimal

from pensionportal.datafiles.context import ValidationContext
from pensionportal.datafiles.model import Unreadable
from pensionportal.datafiles.problems import Problem
from pensionportal.datafiles.reader import read
from pensionportal.datafiles.registry import InMemoryRegistry, MemberFacts
from pensionportal.datafiles.specs import PAY
from pensionportal.datafiles.validate import validate
from pensionportal.rules.contributions import Participation
from pensionportal.rules.money import to_cents

PAY_DATE = dt.date(2024, 1, 12)
PERIOD = (dt.date(2023, 12, 24), dt.date(2024, 1, 6))
PARTICIPATION = Participation(dt.date(2023, 1, 1))
RATE = Decimal("0.03")
SPECIAL = Decimal("0.002")


def employee_ids(n: int) -> list[str]:
    return [f"E{i:07d}" for i in range(1, n + 1)]


def registry_for(n: int) -> InMemoryRegistry:
    hired = dt.date(2020, 1, 1)
    facts = MemberFacts(hire_date=hired, membership_date=hired)
    return InMemoryRegistry(facts={employee: facts for employee in employee_ids(n)})


def pay_file(n: int, *, reference: str = "EFT-BENCH-1") -> bytes:
    """A valid PAY CSV with ``n`` detail rows (UTF-8) for members E0000001...EN."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    rows = []
    total = Decimal(0)
    for i, employee in enumerate(employee_ids(n)):
        pay = Decimal(2000 + (i * 37) % 3000) + Decimal(i % 100) / 100
        member, employer, special = (
            to_cents(pay * RATE),
            to_cents(pay * RATE),
            to_cents(pay * SPECIAL),
        )
        total += member + employer + special
        rows.append(
            [
                employee,
                f"LAST{i}",
                f"FIRST{i}",
                "N",
                "",
                "",
                "REG",
                "75.00",
                str(pay),
                str(member),
                "",
                "",
                "",
                str(employer),
                str(special),
                "",
            ]
        )
    writer.writerow([f.label for f in PAY.header_fields])
    writer.writerow(
        [
            "bi-weekly",
            PAY_DATE.isoformat(),
            PERIOD[0].isoformat(),
            PERIOD[1].isoformat(),
            reference,
            str(total),
        ]
    )
    writer.writerow([])
    writer.writerow([f.label for f in PAY.fields])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 100_000
    data = pay_file(n)
    registry = registry_for(n)
    context = ValidationContext(
        participation=PARTICIPATION, file_sha256=hashlib.sha256(data).hexdigest()
    )
    timings: dict[str, list[float]] = {"read": [], "validate": [], "cpu": [], "csv": []}
    problems: list[Problem] = []
    text = data.decode("utf-8")
    for _ in range(5):
        started, cpu = time.perf_counter(), time.process_time()
        parsed = read(data, "PAY_bench.csv")
        read_done = time.perf_counter()
        if isinstance(parsed, Unreadable):
            raise SystemExit(f"unreadable: {parsed.problems}")
        problems = validate(parsed, registry, context)
        finished = time.perf_counter()
        timings["cpu"].append(time.process_time() - cpu)
        timings["read"].append(read_done - started)
        timings["validate"].append(finished - read_done)
        started = time.perf_counter()
        for _row in csv.reader(io.StringIO(text)):
            pass
        timings["csv"].append(time.perf_counter() - started)
    best = {name: min(values) for name, values in timings.items()}
    print(f"PAY rows: {n:,}; file {len(data) / 1e6:.1f} MB; problems: {len(problems)}")
    print(f"read (decode, CSV, parse cells):         {best['read']:.3f} s")
    print(f"validate (rules, registry, expected):    {best['validate']:.3f} s")
    print(f"total (wall, best of 5):                 {best['read'] + best['validate']:.3f} s")
    print(f"total (CPU of this process, best of 5):  {best['cpu']:.3f} s")
    print(f"for scale: csv.reader alone:             {best['csv']:.3f} s")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
