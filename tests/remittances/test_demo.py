from __future__ import annotations

import pytest

from pensionportal import demo as portal_demo
from pensionportal.demo import load_demo_data
from pensionportal.remittances import demo
from pensionportal.remittances.models import (
    Invoice,
    ReconciliationCase,
    RegulatorNotice,
    RemittanceAdvice,
)

pytestmark = pytest.mark.django_db


def test_demo_data_has_a_late_invoice_and_a_mismatch_case_and_is_idempotent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only this app's demo: the others are tested in their own packages.
    monkeypatch.setattr(portal_demo, "LOADERS", (demo.load,))
    load_demo_data()
    demo.load()
    demo.load()
    ours = RemittanceAdvice.objects.filter(payment_reference__startswith="DEMO-PAY-")
    assert ours.count() == 3
    invoice = Invoice.objects.get(advice__payment_reference="DEMO-PAY-0417", kind="late")
    recovery = Invoice.objects.get(advice__payment_reference="DEMO-PAY-0417", kind="recovery")
    assert {line.kind for line in recovery.lines.all()} == {"recovery_fee", "recovery_expense"}
    notices = RegulatorNotice.objects.all()
    assert notices.filter(status="filed").count() == 1
    assert notices.filter(advice__payment_reference="DEMO-PAY-0515").exists()
    assert invoice.total > 0
    assert {line.rate_name for line in invoice.lines.all()} == {
        "pre-judgment interest rate",
        "fund earning rate",
    }
    assert ReconciliationCase.objects.filter(advice__payment_reference="DEMO-PAY-0515").exists()
