from __future__ import annotations

import pytest

from pensionportal.core.demo import load_demo_data
from pensionportal.remittances import demo
from pensionportal.remittances.models import Invoice, ReconciliationCase, RemittanceAdvice

pytestmark = pytest.mark.django_db


def test_demo_data_has_a_late_invoice_and_a_mismatch_case_and_is_idempotent() -> None:
    load_demo_data()
    demo.load()
    demo.load()
    assert RemittanceAdvice.objects.count() == 3
    invoice = Invoice.objects.get()
    assert invoice.total > 0
    assert {line.rate_name for line in invoice.lines.all()} == {
        "pre-judgment interest rate",
        "fund earning rate",
    }
    assert ReconciliationCase.objects.get().advice.payment_reference == "DEMO-PAY-1106"
