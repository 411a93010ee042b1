"""The work list: idempotent sync, closing, the staff queue and the employer's to-do page
(one query function per audience), permissions and query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pensionportal.accounts.models import Role
from pensionportal.audit.models import AuditEvent
from pensionportal.worklist import actions, queries
from pensionportal.worklist.actions import TaskSpec
from pensionportal.worklist.models import Audience, Task, TaskStatus
from tests.factories import make_org, make_staff, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def _spec(org: Any, key: str = "k1", audience: Audience = Audience.STAFF, **more: Any) -> TaskSpec:
    values: dict[str, Any] = {
        "key": key,
        "kind": "demo_kind",
        "category": "Demo",
        "audience": audience,
        "organization_id": org.pk,
        "title": "Do the thing",
        "due_date": TODAY + dt.timedelta(days=3),
        "source": "seed section",
    }
    values.update(more)
    return TaskSpec(**values)


def test_sync_creates_refreshes_and_leaves_a_closed_item_alone() -> None:
    org = make_org()
    actions.sync(_spec(org), TODAY)
    actions.sync(_spec(org, title="Do the other thing"), TODAY)
    task = Task.objects.get()
    assert task.title == "Do the other thing"
    actions.close("k1", TODAY, "done by data")
    actions.sync(_spec(org, title="Reopen?"), TODAY)
    task.refresh_from_db()
    assert (task.status, task.title) == (TaskStatus.DONE, "Do the other thing")
    assert AuditEvent.objects.filter(action="worklist.task_done").count() == 1


def test_an_item_is_listed_from_its_day() -> None:
    org = make_org()
    actions.sync(_spec(org, listed_from=TODAY + dt.timedelta(days=1)), TODAY)
    staff = make_staff()
    assert queries.staff_queue(staff, TODAY) == []
    assert len(queries.staff_queue(staff, TODAY + dt.timedelta(days=1))) == 1


def test_staff_mark_done_with_a_note_but_not_an_item_that_closes_by_itself() -> None:
    org = make_org()
    actions.sync(_spec(org), TODAY)
    actions.sync(_spec(org, key="auto", closable_by_staff=False), TODAY)
    staff = make_staff()
    with pytest.raises(actions.WorklistError, match="Say what"):
        actions.mark_done(staff, Task.objects.get(key="k1"), TODAY, " ")
    actions.mark_done(staff, Task.objects.get(key="k1"), TODAY, "Mailed")
    with pytest.raises(actions.WorklistError, match="closes by itself"):
        actions.mark_done(staff, Task.objects.get(key="auto"), TODAY, "Mailed")


def test_the_staff_queue_page_lists_and_filters_in_a_fixed_number_of_queries(
    client: Any, django_assert_num_queries: Any
) -> None:
    today = timezone.localdate()
    client.force_login(make_staff())
    for n in range(8, 16):  # the same number of queries for 8 more items: no query per row
        actions.sync(_spec(make_org(), key=f"k{n}", due_date=today + dt.timedelta(days=30)), today)
    client.get("/worklist/staff/")  # warm the session
    # The staff roles are read once a request (accounts/access.py staff_roles); the Messages
    # badge reads the user's unread coverage and counts their unread rows (messaging/unread.py).
    with django_assert_num_queries(12):
        client.get("/worklist/staff/")
    Task.objects.all().delete()
    for n in range(8):
        org = make_org()
        actions.sync(_spec(org, key=f"k{n}", due_date=today + dt.timedelta(days=n - 4)), today)
    with django_assert_num_queries(12):
        page = client.get("/worklist/staff/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Do the thing") == 8
    assert "Overdue by 4 days" in text
    overdue = client.get("/worklist/staff/?overdue=1").content.decode()
    assert overdue.count("Do the thing") == 4


def test_the_employer_sees_its_own_to_dos_and_another_organization_is_404(client: Any) -> None:
    today = timezone.localdate()
    org, other = make_org(), make_org()
    actions.sync(_spec(org, key="mine", audience=Audience.EMPLOYER, title="Send the file"), today)
    actions.sync(_spec(org, key="staff-only", title="Staff only thing"), today)
    actions.sync(_spec(other, key="theirs", audience=Audience.EMPLOYER, title="Other"), today)
    user = make_user(org, [Role.FILE_UPLOAD])
    client.force_login(user)
    assert client.get("/worklist/todo/").status_code == 302  # one organization: straight in
    page = client.get(f"/worklist/todo/{org.pk}/").content.decode()
    assert "Send the file" in page
    assert "Staff only thing" not in page
    assert client.get(f"/worklist/todo/{other.pk}/").status_code == 404
    assert client.get("/worklist/staff/").status_code == 403
    task = Task.objects.get(key="mine")
    assert client.post(f"/worklist/tasks/{task.pk}/done/", {"on": "2026-01-01"}).status_code == 403
    client.force_login(make_user(org, [Role.COMMUNICATIONS]))
    # Roles without File Upload or Remittances lack the section: 403 (tests/security).
    assert client.get(f"/worklist/todo/{org.pk}/").status_code == 403
    client.logout()
    assert client.get(f"/worklist/todo/{org.pk}/").status_code == 302


def test_staff_mark_done_through_the_queue(client: Any) -> None:
    today = timezone.localdate()
    org = make_org()
    actions.sync(_spec(org, due_date=today), today)
    task = Task.objects.get()
    client.force_login(make_staff())
    response = client.post(
        f"/worklist/tasks/{task.pk}/done/", {"on": today.isoformat(), "note": "Mailed"}, follow=True
    )
    assert "Done: Do the thing" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    bad = client.post(f"/worklist/tasks/{task.pk}/done/", {"on": today.isoformat(), "note": "x"})
    assert bad.status_code == 302
    assert client.post("/worklist/tasks/999999/done/", {}).status_code == 404
