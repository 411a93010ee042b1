"""A form as a PDF, from its spec: blank (Forms and Publications) or completed, with the
evidence page, ready to be sealed (docs/signed-forms.md). One writer for every PDF of the
product: `pensionportal.presentation.pdf`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pensionportal.presentation import formatting as fmt
from pensionportal.presentation.pdf import Column, Document

from .spec import FormField, FormSpec, Kind, Party, Section, Value, text_of

BLANK_LINE = "_" * 38


@dataclass(frozen=True)
class SignedBy:
    party: Party
    name: str
    email: str
    signed_at: dt.datetime
    ip_address: str
    method: str
    content_sha256: str = ""


@dataclass(frozen=True)
class Context:
    """What a completed PDF shows beside the values."""

    reference: str
    organization: str
    issuer_name: str
    issuer_lines: Sequence[str]
    identity: Sequence[tuple[str, str]]  # who the form is about (from the registry)
    signatures: Sequence[SignedBy]
    content_sha256: str
    completed_at: dt.datetime | None


def display(spec_field: FormField, value: Value) -> str:
    if spec_field.kind is Kind.MONEY and value is not None:
        return fmt.money(value)  # type: ignore[arg-type]
    return text_of(spec_field, value)


def _header(doc: Document, spec: FormSpec, issuer_lines: Sequence[str]) -> None:
    doc.lines(issuer_lines, bold_first=True)
    doc.space(3)
    doc.title(f"OPTrust {spec.code}: {spec.title}")


def _section(doc: Document, section: Section, values: Mapping[str, Value], blank: bool) -> None:
    who = "the employer" if section.party is Party.EMPLOYER else "the member"
    doc.heading(f"{section.title} (completed by {who})")
    if section.note:
        doc.paragraph(section.note, size=8.5)
    if section.repeat:
        rows = []
        for row in section.rows():
            cells = ["" if blank else display(f, values.get(f.key)) for f in row]
            if blank or any(cells):
                rows.append(cells)
        doc.table([Column(f.label, 2 if f.key == "notes" else 1) for f in section.fields], rows)
        return
    pairs = []
    for spec_field in section.fields:
        if spec_field.kind is Kind.CONFIRM:
            mark = "[  ]" if blank else ("[X]" if values.get(spec_field.key) else "[  ]")
            pairs.append((mark, spec_field.label))
        else:
            shown = BLANK_LINE if blank else display(spec_field, values.get(spec_field.key))
            pairs.append((spec_field.label, shown or "(not given)"))
    doc.facts(pairs)


def blank_pdf(spec: FormSpec, issuer_name: str, issuer_lines: Sequence[str]) -> bytes:
    """The form to print and fill by hand, with the date of its version."""
    doc = Document(
        f"OPTrust {spec.code} {spec.title}",
        author=issuer_name,
        footer=f"OPTrust {spec.code}, version of {fmt.iso_date(spec.version)}",
    )
    _header(doc, spec, issuer_lines)
    doc.facts([("Version", fmt.iso_date(spec.version)), ("Source", spec.source)])
    doc.paragraph(spec.purpose)
    if spec.needs_member:
        doc.heading("Member")
        doc.facts(
            [("Name", BLANK_LINE), ("Employee ID", BLANK_LINE), ("Date of birth", BLANK_LINE)]
        )
    for section in spec.sections:
        _section(doc, section, {}, blank=True)
    doc.heading("Signatures")
    for party in spec.signers:
        doc.facts([(f"{party.label}'s signature", BLANK_LINE), ("Date", BLANK_LINE)])
    doc.paragraph(
        "Once all the required signatures are complete, submit one copy to OPTrust, provide "
        "a copy to the member and keep a copy for your records. The same form can be filled "
        "in and signed online in the Employer Portal (Forms and Publications).",
        size=8.5,
    )
    return doc.output()


def completed_pdf(spec: FormSpec, values: Mapping[str, Value], context: Context) -> bytes:
    """The completed form with its evidence page (unsealed: `pades.seal` seals it)."""
    doc = Document(
        f"OPTrust {spec.code} {spec.title} {context.reference}",
        author=context.issuer_name,
        footer=f"OPTrust {spec.code}, version of {fmt.iso_date(spec.version)} · "
        f"{context.reference}",
    )
    _header(doc, spec, context.issuer_lines)
    doc.facts(
        [
            ("Form", context.reference),
            ("Employer", context.organization),
            ("Version", fmt.iso_date(spec.version)),
        ]
    )
    doc.paragraph(spec.purpose, size=8.5)
    if context.identity:
        doc.heading("Member")
        doc.facts(list(context.identity))
    for section in spec.sections:
        _section(doc, section, values, blank=False)
    doc.heading("Signatures")
    for signed in context.signatures:
        doc.paragraph(
            f"{signed.party.label}: signed electronically by {signed.name} on "
            f"{fmt.iso_datetime(signed.signed_at)} (see the evidence page).",
        )
    _evidence(doc, context)
    return doc.output()


def _evidence(doc: Document, context: Context) -> None:
    doc.pdf.add_page()
    doc.title("Evidence of signature")
    doc.facts(
        [
            ("Form", context.reference),
            ("Employer", context.organization),
            ("Completed", fmt.iso_datetime(context.completed_at)),
            ("Document SHA-256", context.content_sha256),
        ],
        label_width=45,
    )
    doc.paragraph(
        "The document SHA-256 is the digest of the form's final content (the values of every "
        "section). Each signer approved the content as it stood when they signed; a later "
        "signer adds only their own section.",
        size=8.5,
    )
    doc.table(
        [
            Column("Signer", 2.2),
            Column("Signed at", 1.3),
            Column("IP address", 1.2),
            Column("How the identity was confirmed", 3),
        ],
        [
            [
                f"{s.party.label}: {s.name} <{s.email}>",
                fmt.iso_datetime(s.signed_at),
                s.ip_address or "not recorded",
                s.method,
            ]
            for s in context.signatures
        ],
    )
    doc.facts(
        [
            (f"Content SHA-256 when the {s.party.value} signed", s.content_sha256)
            for s in context.signatures
        ],
        label_width=60,
        size=8,
    )
    doc.paragraph(
        f"This document is sealed with a PAdES signature by {context.issuer_name}. Any change "
        "to it breaks the seal: the Employer Portal checks the seal on every download, and "
        "any PAdES validator (for example pyHanko) checks it against the plan "
        "administrator's certificate.",
        size=8.5,
    )
