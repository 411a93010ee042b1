"""Regenerate docs/screenshots/: the main pages at 1280 and 390 px and the demo's PDFs.

    make screenshots            (or: .venv/bin/python scripts/screenshots.py --port 8391)

A throw-away installation (its own SQLite file and storage folder under a temporary
directory) is migrated and loaded with the demo data, served by `manage.py runserver` on
127.0.0.1 with DEBUG off, as `make run` serves it; Debian's Chromium signs in through the
real sign-in form (with the demo's public TOTP secrets) as each demo user and takes a
full-page screenshot of each page; the invoice, the missed-contributions report and form
1016 are rendered with `pdftoppm`. Nothing of the developer's own installation is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}

# (file stem, demo user, path or a key resolved from the database)
PAGES = [
    ("sign-in", None, "/accounts/login/"),
    ("staff-home", "staff", "/"),
    ("staff-missed-contributions", "staff", "/missed/"),
    ("staff-missed-case", "staff", "case"),
    ("staff-remittances", "staff", "/remittances/"),
    ("staff-remittance-advice", "staff", "advice"),
    ("staff-invoice", "staff", "invoice"),
    ("staff-interest-rates", "staff", "/remittances/rates/"),
    ("staff-members", "staff", "/members/"),
    ("staff-audit-trail", "staff", "/staff/audit/"),
    ("staff-security-settings", "staff", "/accounts/2fa/"),
    ("employer-messages", "upload", "/messages/"),
    ("employer-file-upload", "upload", "/files/"),
    ("employer-pension-data", "upload", "/submissions/"),
    ("employer-rejected-submission", "upload", "rejected"),
    ("employer-online-pay-form", "upload", "/submissions/online/PAY/?from_last=1"),
    ("employer-buyback", "upload", "buyback"),
    ("employer-remittances", "admin", "/remittances/"),
    ("payroll-reports", "payroll", "/reports/"),
    ("employer-payroll-connections", "admin", "connections"),
    ("employer-api-reference", "admin", "/api/v1/reference/"),
    ("staff-payroll-connections", "staff", "/connections/"),
]


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DJANGO_"))}
    env.update(
        {
            "PYTHONPATH": str(REPO / "src"),
            "DJANGO_SETTINGS_MODULE": "pensionportal.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'portal.sqlite3'}",
            "PORTAL_STORAGE_DIR": str(tmp / "storage"),
            "PORTAL_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    return env


def _lookups(tmp: Path) -> dict[str, str]:
    """Paths of the demo's detail pages; the demo's PDFs written to `tmp`."""
    from pensionportal.buybacks import pdfs
    from pensionportal.buybacks.models import Buyback
    from pensionportal.files import store
    from pensionportal.missed.models import Case
    from pensionportal.remittances.models import Invoice
    from pensionportal.remittances.pdf import invoice_pdf
    from pensionportal.reports.models import Report
    from pensionportal.submissions.models import Status, Submission

    invoice = Invoice.objects.order_by("id").first()
    case = Case.objects.order_by("id").first()
    rejected = Submission.objects.filter(status=Status.REJECTED, template="PAY").first()
    buyback = Buyback.objects.order_by("id").first()
    if invoice is None or case is None or rejected is None or buyback is None:
        raise SystemExit("the demo data is incomplete")
    (tmp / "pdf-invoice.pdf").write_bytes(invoice_pdf(invoice))
    direction = getattr(buyback, "direction", None)
    if direction is not None:
        (tmp / "pdf-form-1016.pdf").write_bytes(
            pdfs.direction_1016(direction, list(direction.lines.all()))
        )
    report = Report.objects.order_by("-id").first()
    if report is not None:
        pdf = report.files.get(format="pdf")
        (tmp / "pdf-missed-contributions-report.pdf").write_bytes(store.read_all(pdf.file))
    return {
        "case": f"/missed/cases/{case.pk}/",
        "invoice": f"/remittances/invoices/{invoice.pk}/",
        "advice": f"/remittances/advice/{invoice.advice_id}/",
        "rejected": f"/submissions/{rejected.pk}/",
        "buyback": f"/buybacks/{buyback.pk}/",
        "connections": f"/connections/{rejected.organization_id}/",
    }


def _wait(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback only)
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def _totp(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    return str(format_hotp_value(hotp_value(secret, counters[len(counters) // 2])))


def _shoot(base: str, lookups: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    from pensionportal.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        contexts = {}
        for stem, who, target in PAGES:
            if who not in contexts:
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                if who is not None:
                    email = f"{who}@demo.example"
                    page.goto(f"{base}/accounts/login/")
                    page.get_by_label("Email").fill(email)
                    page.get_by_label("Password", exact=False).first.fill(DEMO_PASSWORD)
                    page.get_by_role("button", name="Sign in", exact=True).click()
                    page.wait_for_load_state()
                    if email in DEMO_TOTP_SECRETS:
                        page.get_by_label("Code").fill(_totp(DEMO_TOTP_SECRETS[email]))
                        page.get_by_role("button", name="Sign In").click()
                        page.wait_for_load_state()
                contexts[who] = page
            page = contexts[who]
            path = lookups.get(target, target)
            for name, (width, height) in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{stem}-{name}.png"), full_page=True)
                print(f"  {stem}-{name}.png  {path}")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8391")))
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is missing: apt-get install chromium")
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: apt-get install poppler-utils")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as tmp_name:
        tmp = Path(tmp_name)
        env = _env(tmp)
        os.environ.update(env)
        sys.path.insert(0, str(REPO / "src"))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable")
        call_command("load_demo_data")
        lookups = _lookups(tmp)
        for pdf in sorted(tmp.glob("pdf-*.pdf")):
            subprocess.run(  # noqa: S603
                ["pdftoppm", "-png", "-r", "70", str(pdf), str(OUT / pdf.stem)],  # noqa: S607
                check=True,
            )
            print(f"  {pdf.stem}-N.png")
        base = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{args.port}"],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(f"{base}/accounts/login/")
            _shoot(base, lookups)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
