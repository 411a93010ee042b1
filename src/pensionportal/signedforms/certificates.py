"""The administrator's signing certificate: where it is, and a development one.

A sealed form is signed with the plan administrator's key and certificate, configured by
`PORTAL_SIGNING_KEY` (a PEM private key, encrypted with `PORTAL_SIGNING_KEY_PASSPHRASE` when
it is), `PORTAL_SIGNING_CERT` (its PEM certificate) and `PORTAL_SIGNING_CHAIN` (the issuing
CA certificates, PEM, comma-separated paths). Validation trusts `PORTAL_SIGNING_TRUST_ROOTS`
(default: the chain), never the operating system's store.

Outside production, `make run` (`manage.py ensure_signing_certificate`) makes a development
CA and a certificate it issued under `var/signing/` on the first run and says so; such a
certificate is marked DEVELOPMENT in its name and must never seal a real form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

DEV_CA_NAME = "Employer Portal DEVELOPMENT signing CA"
DEV_SEAL_NAME = "Employer Portal DEVELOPMENT document seal"


class SigningNotConfigured(Exception):
    """No signing key and certificate are configured (production must configure them)."""


@dataclass(frozen=True)
class SigningFiles:
    key: Path
    cert: Path
    chain: tuple[Path, ...]
    trust_roots: tuple[Path, ...]
    passphrase: bytes | None

    @property
    def present(self) -> bool:
        return self.key.is_file() and self.cert.is_file() and all(p.is_file() for p in self.chain)


def configured() -> SigningFiles:
    directory = Path(settings.SIGNING_DIR)
    key = Path(settings.SIGNING_KEY_FILE or directory / "seal-key.pem")
    cert = Path(settings.SIGNING_CERT_FILE or directory / "seal-cert.pem")
    chain = tuple(Path(p) for p in settings.SIGNING_CHAIN_FILES) or (directory / "dev-ca.pem",)
    roots = tuple(Path(p) for p in settings.SIGNING_TRUST_ROOT_FILES) or chain
    passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() or None
    return SigningFiles(key, cert, chain, roots, passphrase)


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CA"),
            x509.NameAttribute(
                NameOID.ORGANIZATION_NAME, settings.ISSUER_NAME or "Employer Portal"
            ),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if private:
        path.chmod(0o600)


def create_development_certificate(files: SigningFiles) -> None:
    """A CA (10 years) and a document-signing certificate it issues (5 years), both on
    P-256 keys; the seal's private key is written encrypted when a passphrase is set."""
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(DEV_CA_NAME)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(DEV_SEAL_NAME))
        .issuer_name(ca_name)
        .public_key(seal_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(seal_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(files.passphrase)
        if files.passphrase
        else serialization.NoEncryption()
    )
    _write(
        files.key,
        seal_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        ),
        private=True,
    )
    _write(files.cert, seal_cert.public_bytes(serialization.Encoding.PEM))
    _write(files.chain[0], ca_cert.public_bytes(serialization.Encoding.PEM))


def ensure_development_certificate() -> bool:
    """Make the development certificate if none is there; True when it was made now.
    Refused in production, where the administrator's own certificate is configured."""
    files = configured()
    if files.present:
        return False
    if settings.PRODUCTION:
        raise SigningNotConfigured(
            "No signing certificate: set PORTAL_SIGNING_KEY, PORTAL_SIGNING_CERT and "
            "PORTAL_SIGNING_CHAIN to the plan administrator's document-signing certificate."
        )
    create_development_certificate(files)
    return True
