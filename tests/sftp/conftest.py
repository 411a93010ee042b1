"""A real SFTP server (the product's asyncssh server) on a free loopback port, for the
OpenSSH `sftp` client and paramiko. Tests use the transactional database: the server's
threads see only committed rows."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pensionportal.accounts.models import Organization, Plan, Role, User
from pensionportal.integrations import actions
from pensionportal.integrations.models import HostKey, SftpAccount
from pensionportal.sftp import server
from tests.factories import make_member, make_org, make_staff, make_user


@dataclass
class Running:
    port: int
    host_key: HostKey


@pytest.fixture
def sftp_server(transactional_db: None) -> Iterator[Running]:
    loop = asyncio.new_event_loop()
    started = threading.Event()
    state: dict[str, object] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        acceptor = loop.run_until_complete(server.start("127.0.0.1", 0))
        state["acceptor"] = acceptor
        state["port"] = acceptor.sockets[0].getsockname()[1]
        started.set()
        loop.run_forever()
        acceptor.close()
        loop.run_until_complete(acceptor.wait_closed())
        loop.close()

    thread = threading.Thread(target=run, name="sftp-test-server", daemon=True)
    thread.start()
    assert started.wait(30), "the SFTP server did not start"
    yield Running(int(state["port"]), HostKey.objects.get())  # type: ignore[call-overload]
    # The database is flushed after this: on SQLite's shared in-memory database a flush
    # while the server still writes (a sign-in record, a closed upload) fails with "table is
    # locked" and breaks the tests after it, as seen on a loaded machine.
    settle(30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def settle(timeout: float = 10) -> None:
    """Wait until the server has finished its Django work (a sign-in is recorded after its
    success is sent). The test database is SQLite's shared in-memory one, whose table locks
    do not wait: the test writes only once the server is quiet."""
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        quiet = quiet + 1 if server.busy() == 0 else 0
        time.sleep(0.03)


@dataclass
class Account:
    org: Organization
    admin: User
    sftp: SftpAccount
    key: Path  # private key file (OpenSSH format, no passphrase)


def new_key(folder: Path, name: str = "id_ed25519") -> Path:
    path = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True
    )
    return path


def employer_with_sftp(folder: Path, name: str | None = None) -> Account:
    org = make_org(name, plan=Plan.SELECT)
    org.plan_participation_date = dt.date(2015, 1, 1)
    org.save()
    make_member(org, "E1")
    admin = make_user(org, [Role.ADMINISTRATOR])
    account = actions.approve_sftp(make_staff(), org)
    key = new_key(folder, f"key-{org.pk}")
    actions.add_ssh_key(admin, account, key.with_suffix(".pub").read_text(), "Payroll server")
    return Account(org, admin, account, key)


def known_hosts(folder: Path, running: Running) -> Path:
    path = folder / "known_hosts"
    path.write_text(f"[127.0.0.1]:{running.port} {running.host_key.public_key}\n")
    return path


def openssh_sftp() -> str:
    found = shutil.which("sftp")
    if found is None:
        pytest.fail("OpenSSH's sftp client is missing: make test installs openssh-client")
    return found


def run_batch(
    running: Running, account: Account, folder: Path, commands: str, *, key: Path | None = None
) -> subprocess.CompletedProcess[str]:
    batch = folder / "batch.txt"
    batch.write_text(commands)
    done = subprocess.run(
        [
            openssh_sftp(),
            "-b",
            str(batch),
            "-i",
            str(key or account.key),
            "-P",
            str(running.port),
            "-o",
            "BatchMode=yes",
            "-o",
            "StrictHostKeyChecking=yes",
            "-o",
            f"UserKnownHostsFile={known_hosts(folder, running)}",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "ConnectTimeout=20",
            "-F",
            "/dev/null",
            f"{account.sftp.username}@127.0.0.1",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    settle()
    return done
