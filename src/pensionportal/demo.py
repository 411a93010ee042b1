"""The demo data of `make run` (`manage.py load_demo_data`): the organizations and users
(core/demo.py), then each app's `demo.load()`, in this order, in one transaction. Each
load is idempotent. An edge: it drives every app, as a user would."""

from __future__ import annotations

from django.db import transaction

from pensionportal.buybacks import demo as buybacks_demo
from pensionportal.core import demo as accounts_demo
from pensionportal.core.demo import DemoSignIn
from pensionportal.exchange import demo as exchange_demo
from pensionportal.integrations import demo as integrations_demo
from pensionportal.memberevents import demo as memberevents_demo
from pensionportal.messaging import demo as messaging_demo
from pensionportal.missed import demo as missed_demo
from pensionportal.remittances import demo as remittances_demo
from pensionportal.signedforms import demo as signedforms_demo
from pensionportal.submissions import demo as submissions_demo

LOADERS = (
    messaging_demo.load,
    exchange_demo.load,
    # Before intake: its member (with service before the employer joined) is in every PAY.
    buybacks_demo.load,
    submissions_demo.load,
    remittances_demo.load,
    missed_demo.load,
    memberevents_demo.load,
    signedforms_demo.load,
    # Last: the payroll connections, and the next pay cycle's file after the demo's last.
    integrations_demo.load,
    # Its PAY file is compared with the pay history and leaves all the others made.
    submissions_demo.load_history_checks,
    # After every detection run: a missed period no run has invoiced, for the preview.
    missed_demo.load_preview,
    # The daily jobs see what the loaders after member events made (a second demo load
    # then changes nothing).
    memberevents_demo.run_daily_jobs,
)


@transaction.atomic
def load_demo_data() -> list[DemoSignIn]:
    sign_ins = accounts_demo.load_accounts()
    for load in LOADERS:
        load()
    return sign_ins
