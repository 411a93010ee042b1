"""PAdES seals: the administrator's signature over a completed form, and its validation.

`seal` signs a PDF with the configured certificate (PAdES baseline B-B: the signing
certificate and its chain are embedded, the signing time is a signed attribute; no network
is used). `verify` checks the signature of any PDF against the configured trust roots and
says, in words, whether the document is exactly as sealed. It is what every download, the
`verify_signed_form` command and the tests call; pyHanko's own command line
(`pyhanko sign validate --trust dev-ca.pem file.pdf`) gives the same answer independently.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar, cast

# pyHanko (with aiohttp) is imported where a seal is made or checked, not with the app: it
# is some 45 MB a process, and most processes (the intake worker, web pages) never seal.
if TYPE_CHECKING:
    # pyHanko on first use: see the note at the top
    from pyhanko.sign import signers
    from pyhanko.sign.validation.status import PdfSignatureStatus
    from pyhanko_certvalidator import ValidationContext

from . import certificates

log = logging.getLogger(__name__)

FIELD_NAME = "AdministratorSeal"
T = TypeVar("T")


def _outside_event_loop(work: Callable[[], T]) -> T:
    """pyHanko's synchronous calls start an event loop of their own; where this thread
    already runs one (an async caller, a browser test), they run in a helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


class SealingFailed(Exception):
    """The seal could not be made (no certificate, an unreadable key)."""


def _signer() -> signers.SimpleSigner:
    # pyHanko on first use: see the note at the top
    from pyhanko.sign import signers

    files = certificates.configured()
    if not files.present:
        certificates.ensure_development_certificate()  # refused in production
        files = certificates.configured()
    loaded = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
        str(files.key),
        str(files.cert),
        ca_chain_files=tuple(str(p) for p in files.chain),
        key_passphrase=files.passphrase,
    )
    if loaded is None:
        raise SealingFailed("The signing key or certificate could not be read.")
    return cast(signers.SimpleSigner, loaded)


def seal(pdf: bytes, *, reason: str, location: str, contact: str = "") -> bytes:
    """The PDF with the administrator's PAdES signature over all of it."""
    try:
        signer = _signer()
    except certificates.SigningNotConfigured:
        raise
    except Exception as error:
        raise SealingFailed(f"The signing certificate could not be loaded: {error}") from error
    # pyHanko on first use: see the note at the top
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        contact_info=contact or None,
    )
    out = _outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=signer))
    return bytes(out.getvalue())


@dataclass(frozen=True)
class Verdict:
    valid: bool  # the seal is intact, covers the whole file and comes from a trusted signer
    summary: str  # "Signature valid" or "Document changed" (or why it cannot be checked)
    explanation: str  # one sentence for a person
    signer: str = ""
    signed_at: datetime | None = None

    @property
    def label(self) -> str:
        return "signature valid" if self.valid else "document changed"


CHANGED = "Document changed"


def _context() -> ValidationContext:
    # pyHanko on first use: see the note at the top
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko_certvalidator import ValidationContext

    files = certificates.configured()
    roots = [
        load_cert_from_pemder(str(p))  # type: ignore[no-untyped-call]
        for p in files.trust_roots
        if p.is_file()
    ]
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def verify(pdf: bytes) -> Verdict:
    """Whether ``pdf`` carries the administrator's seal over exactly these bytes."""
    # pyHanko on first use: see the note at the top
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        return Verdict(False, CHANGED, "The file is not a readable PDF any more.")
    seals = [s for s in signatures if s.field_name == FIELD_NAME]
    if not seals:
        return Verdict(False, CHANGED, "The file carries no seal of the plan administrator.")
    try:
        status: PdfSignatureStatus = _outside_event_loop(
            lambda: validate_pdf_signature(seals[-1], _context())
        )
    except Exception as error:
        log.info("seal validation failed: %s", error)
        return Verdict(False, CHANGED, "The seal could not be checked: the file was altered.")
    return _verdict(status)


def _verdict(status: PdfSignatureStatus) -> Verdict:
    # pyHanko on first use: see the note at the top
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    signed_at = status.signer_reported_dt
    if not (status.intact and status.valid):
        return Verdict(
            False, CHANGED, "The content no longer matches its seal: it was changed after sealing."
        )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict(
            False,
            CHANGED,
            "Something was added to the file after it was sealed.",
            signer,
            signed_at,
        )
    if not status.trusted:
        return Verdict(
            False,
            CHANGED,
            "The seal is not the plan administrator's: its certificate is not trusted.",
            signer,
            signed_at,
        )
    return Verdict(
        True,
        "Signature valid",
        "The document is exactly as the plan administrator sealed it.",
        signer,
        signed_at,
    )


__all__ = ["Verdict", "seal", "verify"]
