"""Issue 16 Must do 2: a rejected or warned file corrected in the browser. The problem
cells marked, edits kept (encrypted) between pages, "did you mean" accepted in one action,
the corrected file checked again and sent as a new submission that records what it
replaces; the original never changed; a correction with errors refused like any file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, TestCase

from pensionportal.accounts.models import Organization, Plan, Role, User
from pensionportal.audit.models import AuditEvent
from pensionportal.datafiles.reader import read
from pensionportal.files import store as files
from pensionportal.members.models import Contribution
from pensionportal.submissions.models import Correction, Source, Status, Submission
from tests.factories import make_member, make_org, make_user

from .helpers import enrol_row, file_of, pay_file, pay_row, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def org() -> Organization:
    organization = make_org(plan=Plan.SELECT)
    organization.plan_participation_date = dt.date(2015, 1, 1)
    organization.save()
    for employee_id, sin in (("D1001", "550911895"), ("D1003", "130692544")):
        make_member(organization, employee_id, sin=sin)
    return organization


@pytest.fixture
def clerk(org: Organization) -> User:
    return make_user(org, [Role.FILE_UPLOAD])


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rejected(org: Organization, clerk: User) -> Submission:
    data = pay_file([pay_row("D1001"), pay_row("D1O03")])
    submission = submit(clerk, org, data, "PAY_2026-03-13.csv")
    assert submission.status == Status.REJECTED
    return submission


def _sha_and_problems(submission: Submission) -> tuple[str, list[tuple[object, ...]]]:
    submission.refresh_from_db()
    return submission.sha256, list(submission.problems.values_list("row", "rule", "message"))


def test_the_problem_cell_is_marked_with_its_did_you_mean(org: Organization, clerk: User) -> None:
    original = _rejected(org, clerk)
    page = _client(clerk).get(f"/submissions/{original.pk}/correct/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="c-5-employee_id" value="D1O03"' in body  # row 5: header, labels, 2 rows
    assert 'aria-invalid="true"' in body
    assert "Use D1003" in body
    assert 'value="5:employee_id:D1003"' in body
    # Problem rows only: row 4 (D1001) has no problem and is not listed; "all" lists it.
    assert "c-4-employee_id" not in body
    assert (
        "c-4-employee_id"
        in _client(clerk).get(f"/submissions/{original.pk}/correct/?show=all").content.decode()
    )
    detail = _client(clerk).get(f"/submissions/{original.pk}/").content.decode()
    assert f"/submissions/{original.pk}/correct/" in detail


def test_accepting_the_suggestion_and_sending_applies_a_new_submission(
    org: Organization, clerk: User
) -> None:
    original = _rejected(org, clerk)
    before = _sha_and_problems(original)
    client = _client(clerk)
    url = f"/submissions/{original.pk}/correct/"
    response = client.post(url, {"rows": "5", "accept": "5:employee_id:D1003"})
    assert response.status_code == 302
    draft = Correction.objects.get(original=original)
    assert "D1003" not in draft.edits_encrypted  # encrypted at rest
    page = client.get(url).content.decode()
    assert 'name="c-5-employee_id" value="D1003"' in page
    response = client.post(url, {"rows": "5", "action": "check"})
    assert "No errors left" in client.get(response["Location"]).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, {"rows": "5", "action": "send"})
    corrected = Submission.objects.exclude(pk=original.pk).get()
    assert response["Location"] == f"/submissions/{corrected.pk}/"
    assert corrected.replaces == original
    assert corrected.source == Source.CORRECTION
    assert corrected.status == Status.APPLIED, list(corrected.problems.values("message"))
    assert Contribution.objects.filter(member__employee_id="D1003").count() == 1
    # The original is kept exactly as it was; both are in the audit trail.
    assert _sha_and_problems(original) == before
    assert original.status == Status.REJECTED
    assert AuditEvent.objects.filter(
        action="submission.correction_sent", target=original.reference
    ).exists()
    received = AuditEvent.objects.get(action="submission.received", target=corrected.reference)
    assert received.details["replaces"] == original.reference
    # Stored encrypted in the file store like any upload, and readable as the same layout.
    assert corrected.file is not None
    parsed = read(files.read_all(corrected.file), corrected.filename)
    assert list(parsed.column("employee_id")) == ["D1001", "D1003"]  # type: ignore[union-attr]
    assert list(parsed.rows.numbers) == [4, 5]  # type: ignore[union-attr]
    detail = client.get(f"/submissions/{original.pk}/").content.decode()
    assert corrected.reference in detail
    assert "Correct online" not in detail  # replaced: nothing more to correct


def test_a_correction_that_still_has_errors_is_refused_and_the_original_unchanged(
    org: Organization, clerk: User
) -> None:
    original = _rejected(org, clerk)
    before = _sha_and_problems(original)
    client = _client(clerk)
    url = f"/submissions/{original.pk}/correct/"
    client.post(url, {"rows": "5", "c-5-employee_id": "NOBODY"})
    response = client.post(url, {"rows": "5", "action": "check"})
    checked = client.get(response["Location"]).content.decode()
    assert "still has 1 error" in checked
    assert "Employee ID NOBODY is not an enrolled member" in checked
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"rows": "5", "action": "send"})
    corrected = Submission.objects.exclude(pk=original.pk).get()
    assert corrected.status == Status.REJECTED
    assert corrected.problems.filter(rule="registry.unknown_employee", row=5).exists()
    assert _sha_and_problems(original) == before
    # The rejected correction can itself be corrected online, and the original again too.
    assert client.get(f"/submissions/{corrected.pk}/correct/").status_code == 200
    fresh = client.get(url).content.decode()  # the sent draft is closed: a fresh start
    assert 'name="c-5-employee_id" value="D1O03"' in fresh


def test_edits_are_kept_between_pages_of_a_large_file(org: Organization, clerk: User) -> None:
    rows = [pay_row("D1001") for _ in range(120)]
    rows[3]["employee_id"] = "D1O03"
    rows[110]["employee_id"] = "D1O03"
    original = submit(clerk, org, pay_file(rows), "PAY_2026-03-13.csv")
    client = _client(clerk)
    url = f"/submissions/{original.pk}/correct/"
    page1 = client.get(url + "?show=all").content.decode()
    assert "Page 1 of 3" in page1
    numbers = ",".join(str(n) for n in range(4, 54))
    response = client.post(
        url, {"rows": numbers, "show": "all", "c-7-employee_id": "D1003", "goto": "3"}
    )
    assert response["Location"].endswith("?show=all&page=3")
    page3 = client.get(response["Location"]).content.decode()
    assert 'name="c-114-employee_id" value="D1O03"' in page3
    client.post(url, {"rows": "114", "show": "all", "c-114-employee_id": "D1003"})
    problems_only = client.get(url).content.decode()
    assert 'name="c-7-employee_id" value="D1003"' in problems_only  # an edit stays in view
    assert "2 cells changed" in problems_only


def test_a_warned_file_corrected_is_not_a_duplicate_and_the_original_cannot_be_confirmed(
    org: Organization, clerk: User
) -> None:
    data = pay_file([pay_row("D1001"), pay_row("D1003", pensionable_hours="200.00")])
    original = submit(clerk, org, data, "PAY_2026-03-13.csv")
    assert original.status == Status.AWAITING_CONFIRMATION
    client = _client(clerk)
    url = f"/submissions/{original.pk}/correct/"
    page = client.get(url).content.decode()
    assert "Warning: Pensionable Hours 200.00" in page
    client.post(url, {"rows": "5", "c-5-pensionable_hours": "75.00"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"rows": "5", "action": "send"})
    corrected = Submission.objects.exclude(pk=original.pk).get()
    # Same pay period and payment reference as the original, yet not a duplicate.
    assert corrected.status == Status.APPLIED, list(corrected.problems.values("message"))
    response = client.post(f"/submissions/{original.pk}/confirm/", {"confirm": "yes"})
    original.refresh_from_db()
    assert original.status == Status.AWAITING_CONFIRMATION
    assert "Confirm that one instead" in client.get(response["Location"]).content.decode()
    assert Contribution.objects.filter(member__employee_id="D1003").count() == 1


def test_a_sin_is_never_written_into_the_page_and_stays_unless_retyped(
    org: Organization, clerk: User
) -> None:
    data = file_of("ENROL", [enrol_row("E9", "274561232", postal_code="BAD")])
    original = submit(clerk, org, data, "ENROL_x.csv")
    assert original.status == Status.REJECTED
    client = _client(clerk)
    url = f"/submissions/{original.pk}/correct/"
    page = client.get(url + "?show=all").content.decode()
    assert "274561232" not in page
    assert "unchanged (ends 232)" in page
    client.post(url, {"rows": "2", "c-2-sin": "", "c-2-postal_code": "M5H2N2"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"rows": "2", "action": "send"})
    corrected = Submission.objects.exclude(pk=original.pk).get()
    assert corrected.status == Status.APPLIED, list(corrected.problems.values("message"))


def test_another_organizations_submission_is_404_and_staff_and_applied_files_are_refused(
    org: Organization, clerk: User
) -> None:
    original = _rejected(org, clerk)
    outsider = make_user(make_org(), [Role.FILE_UPLOAD])
    assert _client(outsider).get(f"/submissions/{original.pk}/correct/").status_code == 404
    assert (
        _client(outsider)
        .post(f"/submissions/{original.pk}/correct/", {"action": "send"})
        .status_code
        == 404
    )
    both = pay_file([pay_row("D1001"), pay_row("D1003")], reference="EFT-2")
    applied = submit(clerk, org, both, "PAY_b.csv")
    assert applied.status == Status.APPLIED
    page = _client(clerk).get(f"/submissions/{applied.pk}/correct/").content.decode()
    assert "Only a rejected file, or one with warnings, can be corrected online." in page
    response = _client(clerk).post(f"/submissions/{applied.pk}/correct/", {"action": "send"})
    assert response.status_code == 200
    assert Submission.objects.count() == 2
    assert not Correction.objects.exists()


def test_the_correction_page_costs_the_same_queries_for_a_larger_file(
    org: Organization, clerk: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = _rejected(org, clerk)
    rows = [pay_row("D1001") for _ in range(120)]
    for i in range(0, 120, 3):
        rows[i]["employee_id"] = "D1O03"
    large = submit(clerk, org, pay_file(rows, reference="EFT-9"), "PAY_large.csv")
    client = _client(clerk)
    counts = []
    for submission in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/submissions/{submission.pk}/correct/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The page's own: the submission, its replacement, the stored file, the draft, the
    # problems, the Employee IDs on record; the rest is the session and the navigation's
    # (the Messages badge: the organizations not yet covered by unread rows, the count).
    assert counts[1] <= 29, counts


def test_a_warned_file_corrected_online_is_no_longer_a_to_do_to_confirm(
    org: Organization, clerk: User
) -> None:
    from django.utils import timezone

    from pensionportal.submissions.todos import employer_todos

    data = pay_file([pay_row("D1001"), pay_row("D1003", pensionable_hours="200.00")])
    original = submit(clerk, org, data, "PAY_2026-03-13.csv")
    today = timezone.localdate()

    def waiting() -> int:
        found = [t for t in employer_todos(clerk, [org], today) if "confirmation" in t.label]
        return sum(t.count for t in found)

    assert waiting() == 1
    client = _client(clerk)
    url = f"/submissions/{original.pk}/correct/"
    client.post(url, {"rows": "5", "c-5-pensionable_hours": "75.00"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url, {"rows": "5", "action": "send"})
    assert waiting() == 0
