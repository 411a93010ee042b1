"""Reference rows that data migrations create (the standard mailboxes, the public
pre-judgment interest rates). Tests that empty the database (transactional tests) put them
back with `ensure()`; it is idempotent."""

from __future__ import annotations

import importlib

from django.apps import apps

SEEDING_MIGRATIONS = [
    "pensionportal.messaging.migrations.0002_standard_mailboxes",
    "pensionportal.remittances.migrations.0002_seed_prejudgment_rates",
]


def ensure() -> None:
    for path in SEEDING_MIGRATIONS:
        module = importlib.import_module(path)
        seed = getattr(module, "seed", None) or getattr(module, "create_mailboxes", None)
        if seed is not None:
            seed(apps, None)
