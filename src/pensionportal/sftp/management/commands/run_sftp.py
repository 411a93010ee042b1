"""`manage.py run_sftp`: the SFTP server for payroll systems' batch files (docs/sftp.md)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from pensionportal.sftp import server


class Command(BaseCommand):
    help = "Serve SFTP for payroll systems: each organization's inbox/ and outbox/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.SFTP_HOST)
        parser.add_argument("--port", type=int, default=settings.SFTP_PORT)
        parser.add_argument(
            "--print-fingerprint",
            action="store_true",
            help="Print the host key's fingerprint (making the key if there is none) and stop.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_fingerprint"]:
            self.stdout.write(server.host_fingerprint())
            return
        asyncio.run(self._serve(options["host"], options["port"]))

    async def _serve(self, host: str, port: int) -> None:
        acceptor = await server.start(host, port)
        fingerprint = await server.in_thread(server.host_fingerprint)
        bound = acceptor.sockets[0].getsockname()[1] if acceptor.sockets else port
        self.stdout.write(f"SFTP server listening on {host}:{bound} (host key {fingerprint})")
        self.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        acceptor.close()
        await acceptor.wait_closed()
        await server.drain(30)
        self.stdout.write("SFTP server stopped.")
