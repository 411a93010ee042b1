"""Reading the public keys administrators paste, and the SFTP server's host key (asyncssh's
own key parsing and generation)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

# asyncssh is imported when a key is read or made, not with the URL conf that reaches this
# module through the integrations' views: some 30 MB a process that never handles a key.
if TYPE_CHECKING:
    # asyncssh on first use: see the note at the top
    import asyncssh

ACCEPTED = {
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
}
MIN_RSA_BITS = 2048
MAX_KEY_TEXT = 16 * 1024


class KeyRefused(ValueError):
    pass


@dataclass(frozen=True)
class PublicKey:
    algorithm: str
    openssh: str  # "ssh-ed25519 AAAA..." without the comment
    fingerprint: str  # "SHA256:...", as `ssh-keygen -l` prints it
    comment: str


def read_public_key(text: str) -> PublicKey:
    """One OpenSSH public key (the line of an `id_ed25519.pub` file). A private key, a key
    of a weak kind, or anything else is refused with the reason."""
    raw = text.strip()
    if not raw:
        raise KeyRefused("Paste the public key: the one line of the .pub file.")
    if len(raw) > MAX_KEY_TEXT:
        raise KeyRefused("This is too long to be one public key.")
    if "PRIVATE KEY" in raw:
        raise KeyRefused(
            "This is a private key, which must never leave your system. Paste the public "
            "key instead: the one line of the .pub file beside it."
        )
    if len(raw.splitlines()) > 1 and not raw.startswith("---- BEGIN SSH2 PUBLIC KEY"):
        raise KeyRefused("Paste one key at a time: the one line of the .pub file.")
    # asyncssh on first use: see the note at the top
    import asyncssh

    try:
        key = asyncssh.import_public_key(raw)
    except (asyncssh.KeyImportError, ValueError, TypeError):
        raise KeyRefused(
            "This is not an SSH public key. It should start with ssh-ed25519, ssh-rsa or "
            "ecdsa-sha2-nistp256."
        ) from None
    algorithm = key.get_algorithm()
    if algorithm == "ssh-dss":
        raise KeyRefused("DSA keys are no longer safe. Make an Ed25519 key: ssh-keygen -t ed25519")
    if algorithm not in ACCEPTED:
        raise KeyRefused(
            f"Keys of the kind {algorithm} are not accepted. Use an Ed25519 key "
            "(ssh-keygen -t ed25519)."
        )
    if algorithm == "ssh-rsa":
        bits = _rsa_bits(key)
        if bits < MIN_RSA_BITS:
            raise KeyRefused(
                f"This RSA key has {bits} bits; at least {MIN_RSA_BITS} are needed. "
                "Make an Ed25519 key instead: ssh-keygen -t ed25519"
            )
    comment = key.get_comment() or ""
    key.set_comment(None)
    openssh = key.export_public_key("openssh").decode().strip()
    return PublicKey(algorithm, openssh, key.get_fingerprint("sha256"), comment)


def _rsa_bits(key: asyncssh.SSHKey) -> int:
    public = getattr(key, "pyca_key", None)
    size = getattr(public, "key_size", None)
    return int(size) if size else 0


@dataclass(frozen=True)
class GeneratedHostKey:
    algorithm: str
    private_openssh: str
    public_openssh: str
    fingerprint: str


def generate_host_key() -> GeneratedHostKey:
    # asyncssh on first use: see the note at the top
    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519")
    public = key.convert_to_public()
    return GeneratedHostKey(
        algorithm=key.get_algorithm(),
        private_openssh=key.export_private_key("openssh").decode(),
        public_openssh=public.export_public_key("openssh").decode().strip(),
        fingerprint=public.get_fingerprint("sha256"),
    )
