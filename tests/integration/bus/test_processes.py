"""`dlmon gateway` and `dlmon run` as processes on a real JetStream server: kill, restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.bus import daemon_config, gateway_config
from tests.support.nats_server import NatsServer
from tests.support.net import free_port, get
from tests.support.polling import wait_until

ROOT = Path(__file__).resolve().parents[3]


class Process:
    """One ``dlmon`` command run as a child process with its own config and log."""

    def __init__(self, tmp: Path, command: str, config: dict[str, Any]) -> None:
        self.port = free_port()
        config["server"]["port"] = self.port
        self.path = tmp / f"{command}.yaml"
        self.path.write_text(json.dumps(config), encoding="utf-8")
        self.log = tmp / f"{command}.log"
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "monitor", self.command, "--config", str(self.path)],
                cwd=self.path.parent,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )

    def end(self, sig: signal.Signals) -> int:
        process, self.process = self.process, None
        if process is None:
            return 0
        process.send_signal(sig)
        return process.wait(timeout=15)

    def get(self, path: str) -> tuple[int, bytes]:
        return get(f"http://127.0.0.1:{self.port}{path}")

    def ready(self) -> bool:
        return self.get("/readyz")[0] == 200

    def not_ready_because(self, words: str) -> bool:
        status, body = self.get("/readyz")
        return status == 503 and words in body.decode()


@pytest.fixture
def processes(tmp_path: Path, nats_server: NatsServer) -> Iterator[tuple[Process, Process]]:
    gateway = Process(tmp_path, "gateway", gateway_config(nats_server.url))
    config = daemon_config(nats_server.url, warmup_seconds=300)
    config["analytics"] = {"windows": {"5m": 300}, "min_samples": 5}
    daemon = Process(tmp_path, "run", config)
    try:
        yield gateway, daemon
    finally:
        for process in (daemon, gateway):
            process.end(signal.SIGKILL)


def metric(exposition: bytes, name: str) -> float:
    for family in text_string_to_metric_families(exposition.decode()):
        for sample in family.samples:
            if sample.name == name:
                return float(sample.value)
    raise AssertionError(f"{name} not exposed")


def premium(daemon: Process) -> float | None:
    status, body = daemon.get("/api/v1/pairs")
    assert status == 200
    value: float | None = json.loads(body)[0]["premium"]["mid"]
    return value


def mid_samples(daemon: Process) -> int:
    status, body = daemon.get("/api/v1/pairs")
    assert status == 200
    samples: int = json.loads(body)[0]["analytics"]["premium"]["mid"]["5m"]["samples"]
    return samples


def test_gateway_and_daemon_processes_survive_kills_of_each_other_and_the_server(
    nats_server: NatsServer, processes: tuple[Process, Process]
) -> None:
    gateway, daemon = processes
    gateway.start()
    daemon.start()
    wait_until(lambda: daemon.ready() and premium(daemon) is not None, within=20)
    wait_until(gateway.ready)
    assert gateway.get("/healthz")[0] == 200
    assert metric(gateway.get("/metrics")[1], "dlmon_bus_published_events_total") > 0
    assert metric(gateway.get("/metrics")[1], "dlmon_bus_connected") == 1

    gateway.end(signal.SIGKILL)  # the gateway dies: the daemon notices by silence
    wait_until(lambda: daemon.not_ready_because("gateway silent"), within=15)
    gateway.start()
    wait_until(lambda: daemon.ready() and premium(daemon) is not None, within=20)

    nats_server.kill()  # the bus dies: both say so, both come back
    wait_until(lambda: daemon.not_ready_because("bus"), within=15)
    wait_until(lambda: gateway.not_ready_because("bus:"), within=15)
    nats_server.start()
    wait_until(lambda: gateway.ready() and daemon.ready(), within=20)
    wait_until(lambda: premium(daemon) is not None, within=10)
    assert metric(gateway.get("/metrics")[1], "dlmon_bus_connects_total") == 2

    history = wait_until(lambda: mid_samples(daemon) >= 5 and mid_samples(daemon), within=15)
    daemon.end(signal.SIGKILL)  # the daemon dies: restarted, it warms up from the stream
    daemon.start()
    wait_until(daemon.ready, within=20)
    assert mid_samples(daemon) >= history  # a cold start has at most a sample or two here

    assert daemon.end(signal.SIGTERM) == 0
    assert gateway.end(signal.SIGTERM) == 0
