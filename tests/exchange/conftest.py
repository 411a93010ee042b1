from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings

from pensionportal.accounts.models import Organization, Role, StaffRole, User
from pensionportal.messaging.models import DATA_MANAGEMENT_MAILBOX, Mailbox
from tests.factories import make_org, make_staff, make_user


@pytest.fixture
def org(db: None) -> Organization:
    return make_org()


@pytest.fixture
def other_org(db: None) -> Organization:
    return make_org()


@pytest.fixture
def uploader(org: Organization) -> User:
    return make_user(org, [Role.FILE_UPLOAD])


@pytest.fixture
def staff(db: None) -> User:
    user = make_staff([StaffRole.DATA_MANAGEMENT])
    Mailbox.objects.get(slug=DATA_MANAGEMENT_MAILBOX).keepers.add(user)
    return user


@pytest.fixture
def storage(settings: LazySettings) -> Path:
    path = Path(settings.STORAGE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def stored_files(storage: Path) -> list[Path]:
    return [p for p in storage.rglob("*") if p.is_file()]
