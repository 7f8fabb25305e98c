"""`dlmon record` as a durable consumer: killed and restarted, it loses and repeats nothing."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import nats
from nats.js.api import ConsumerConfig, DeliverPolicy

from monitor.app.gateway import Gateway
from monitor.bus.encoding import decode
from monitor.core.events import Event
from monitor.recorder.format import csv_cells, event_row
from tests.support.bus import gateway_config, settings
from tests.support.nats_server import NatsServer
from tests.support.net import free_port, get
from tests.support.polling import eventually

KILLS = 3


def start_recorder(config: Path, cwd: Path, *args: str) -> subprocess.Popen[bytes]:
    """``dlmon record`` as a child process; its log goes to a file beside the config."""
    with (cwd / "record.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "monitor", "record", "--config", str(config), *args],
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
        )


def checkpoint_seq(directory: Path) -> int:
    try:
        return int(json.loads((directory / "ticks.bus-checkpoint.json").read_text())["seq"])
    except (OSError, ValueError, KeyError):
        return 0


def recorded_rows(directory: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    for path in sorted(directory.glob("ticks-bus-*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(list(csv.reader(handle))[1:])
    return rows


async def stream_ticks(url: str) -> tuple[list[Event], int]:
    """Every event on the stream's tick subjects, in sequence order, and the last sequence."""
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
        sub = await js.pull_subscribe("dlmon.ticks.>", stream="TICKS", config=config)
        events: list[Event] = []
        pending, last = (await sub.consumer_info()).num_pending, 0
        while pending:
            for message in await sub.fetch(1000, timeout=2):
                decoded = decode(message.data)
                assert isinstance(decoded, list)
                events.extend(decoded)
                last, pending = message.metadata.sequence.stream, message.metadata.num_pending
                await message.ack()
        return events, last
    finally:
        await client.close()


async def test_killed_and_restarted_recorder_loses_and_repeats_nothing(
    nats_server: NatsServer, tmp_path: Path
) -> None:
    ticks = tmp_path / "ticks"
    data: dict[str, Any] = gateway_config(nats_server.url)
    data["feeds"]["sim"]["updates_per_second"] = 200
    data["recorder"] = {"directory": str(ticks), "rotate_bytes": 65_536}
    config = tmp_path / "record.yaml"
    config.write_text(json.dumps(data), encoding="utf-8")
    gateway = Gateway(settings(data))
    await gateway.start()
    kills = 0
    try:
        for _ in range(KILLS):
            recorder = start_recorder(config, tmp_path)
            reached = checkpoint_seq(ticks) + 20
            await eventually(lambda r=reached: checkpoint_seq(ticks) > r, within=20,
                             what="the recorder writing")  # fmt: skip
            recorder.send_signal(signal.SIGKILL)
            recorder.wait(timeout=10)
            kills += 1
    finally:
        await gateway.stop()
    events, last = await stream_ticks(nats_server.url)
    port = free_port()
    recorder = start_recorder(config, tmp_path, "--listen", f"127.0.0.1:{port}")
    try:
        await eventually(lambda: checkpoint_seq(ticks) == last, within=20, what="catching up")
        status, body = get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and f"dlmon_bus_recorder_last_sequence {float(last)}" in body.decode()
        assert get(f"http://127.0.0.1:{port}/readyz")[0] == 200
    finally:
        recorder.send_signal(signal.SIGTERM)
        recorder.wait(timeout=10)
    assert recorder.returncode == 0, (tmp_path / "record.log").read_text()
    assert kills == KILLS
    expected = [csv_cells(event_row(e)) for e in events]
    assert len(expected) > 100
    assert recorded_rows(ticks) == expected
