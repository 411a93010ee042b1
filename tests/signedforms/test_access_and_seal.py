"""Who reaches which form (another organization's user gets 404 for every form URL), the
seal checked on every download (a tampered PDF is reported as changed), pyHanko's own
command line as the independent validator, `verify_signed_form`, the blank PDFs."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from pensionportal.accounts.models import Role
from pensionportal.files import store
from pensionportal.signedforms import certificates, pades
from pensionportal.signedforms.definitions import FORMS
from pensionportal.signedforms.models import SignedForm
from tests.factories import make_staff, make_user

from .helpers import complete, employer, start
from .samples import SAMPLES

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _urls(form: SignedForm) -> list[tuple[str, str]]:
    base = f"/forms/{form.pk}"
    return [
        ("get", f"{base}/"),
        ("get", f"{base}/edit/"),
        ("post", f"{base}/send/"),
        ("get", f"{base}/sign/"),
        ("post", f"{base}/sign/"),
        ("post", f"{base}/remind/"),
        ("get", f"{base}/withdraw/"),
        ("post", f"{base}/withdraw/"),
        ("get", f"{base}/sealed.pdf"),
    ]


def test_another_organization_s_user_gets_404_for_every_form_url() -> None:
    e = employer()
    sealed = complete(e, "1025ER")
    draft = start(e, "1030", SAMPLES["1030"][0])
    outsider = employer("Other Employer Inc.")
    client = _client(outsider.user)
    for form in (sealed, draft):
        for method, url in _urls(form):
            response = getattr(client, method)(url, {"reason": "x", "code": "123456"})
            assert response.status_code == 404, (method, url, response.status_code)
    assert SignedForm.objects.get(pk=draft.pk).status == "draft"


def test_anonymous_is_sent_to_sign_in_for_every_form_url() -> None:
    e = employer()
    form = complete(e, "1025ER")
    client = Client()
    for method, url in [
        *_urls(form),
        ("get", "/forms/"),
        ("get", "/forms/catalogue/1005/blank.pdf"),
        ("get", "/forms/catalogue/1005/new/"),
        ("get", "/forms/records/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_a_communications_user_has_no_forms_section() -> None:
    e = employer()
    comms = make_user(e.org, [Role.COMMUNICATIONS])
    assert _client(comms).get("/forms/").status_code == 403


def test_staff_see_and_download_any_form_but_do_not_sign_for_the_employer() -> None:
    e = employer()
    form = complete(e, "1025ER")
    draft = start(e, "1030", SAMPLES["1030"][0])
    client = _client(make_staff())
    assert client.get(f"/forms/{form.pk}/").status_code == 200
    assert client.get(f"/forms/{form.pk}/sealed.pdf").status_code == 200
    assert client.get(f"/forms/{draft.pk}/edit/").status_code == 404
    assert client.get(f"/forms/{draft.pk}/sign/").status_code == 404


def test_the_list_filters_by_member_and_status_in_a_fixed_number_of_queries() -> None:
    e = employer()
    complete(e, "1025ER")
    for _ in range(3):
        start(e, "1030", SAMPLES["1030"][0])
    client = _client(e.user)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/forms/?status=draft")
    start(e, "1030", SAMPLES["1030"][0])
    with CaptureQueriesContext(connection) as more:
        client.get("/forms/?status=draft")
    assert len(more.captured_queries) == len(few.captured_queries)
    text = page.content.decode()
    assert text.count("OPTrust 1030: Temporary") == 3
    assert "OPTrust 1025ER: Notice" not in text
    assert "OPTrust 1025ER: Notice" in client.get("/forms/?member=E1001").content.decode()
    assert "No forms match" in client.get("/forms/?member=nobody").content.decode()
    bad = client.get("/forms/?status=bogus")
    assert "Some filters were not applied" in bad.content.decode()


def test_the_sealed_pdf_validates_with_pyhanko_s_own_command_line(tmp_path: Path) -> None:
    e = employer()
    form = complete(e, "1025ER")
    download = _client(e.user).get(f"/forms/{form.pk}/sealed.pdf")
    pdf = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    path = tmp_path / "sealed.pdf"
    path.write_bytes(pdf)
    ca = certificates.configured().chain[0]
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pyhanko"),
            "sign",
            "validate",
            "--trust-replace",
            "--trust",
            str(ca),
            "--no-revocation-check",
            "--executive-summary",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(":VALID")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Evidence of signature" in text
    assert form.content_sha256 in text.replace("\n", "")
    assert "confirmed their date of birth and the one-time code" in text.replace("\n", " ")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(pdf.replace(b"/Title", b"/Titlf", 1))
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pyhanko"),
            "sign",
            "validate",
            "--trust-replace",
            "--trust",
            str(ca),
            "--no-revocation-check",
            "--executive-summary",
            str(tampered),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert ":VALID" not in result.stdout


def _tamper(form: SignedForm) -> None:
    assert form.sealed_file is not None
    pdf = store.read_all(form.sealed_file)
    changed = pdf.replace(b"/Title", b"/Titlf", 1)
    assert changed != pdf
    replacement = store.store(
        [changed],
        purpose="signedforms.sealed",
        filename=form.filename,
        organization=form.organization,
        content_type="application/pdf",
    )
    SignedForm.objects.filter(pk=form.pk).update(sealed_file=replacement)


@pytest.mark.storage
def test_a_tampered_pdf_is_reported_as_changed_and_not_given_out() -> None:
    e = employer()
    form = complete(e, "1025ER")
    _tamper(form)
    client = _client(e.user)
    page = client.get(f"/forms/{form.pk}/").content.decode()
    assert "Document changed" in page
    download = client.get(f"/forms/{form.pk}/sealed.pdf")
    assert download.status_code == 409
    assert "Document changed" in download.content.decode()
    from pensionportal.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="forms.seal_check_failed").exists()


def test_verify_signed_form_says_valid_or_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    e = employer()
    form = complete(e, "1025ER")
    assert form.sealed_file is not None
    good = tmp_path / "good.pdf"
    good.write_bytes(store.read_all(form.sealed_file))
    call_command("verify_signed_form", str(good))
    assert "good.pdf: Signature valid." in capsys.readouterr().out
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(good.read_bytes() + b"%appended\n")
    with pytest.raises(SystemExit) as exit_code:
        call_command("verify_signed_form", str(bad))
    assert exit_code.value.code == 1
    assert "bad.pdf: Document changed." in capsys.readouterr().out
    assert not pades.verify(b"not a pdf").valid


@pytest.mark.parametrize("code", sorted(FORMS))
def test_every_form_has_a_blank_pdf_with_the_date_of_its_version(code: str) -> None:
    e = employer()
    response = _client(e.user).get(f"/forms/catalogue/{code}/blank.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert f"OPTrust {code}" in text
    assert "2026-01-01" in text
    for section in FORMS[code].sections:
        assert section.title in text.replace("\n", " ")
