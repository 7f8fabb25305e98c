"""`dlmon replay --bus`: a time range of the stream through the replay pipeline."""

from __future__ import annotations

import asyncio
import json
import time

import nats
import pytest

from monitor.bus.connection import ensure_stream
from monitor.bus.encoding import encode_events
from monitor.bus.subjects import tick_subject
from monitor.core.events import NS_PER_SECOND, Event, FxQuote, Quote
from monitor.settings.bus import BusConfig
from tests.support.cli import run_cli
from tests.support.nats_server import NatsServer


def minutes_of_quotes(start: int, seconds: int) -> list[Event]:
    events: list[Event] = []
    for i in range(seconds):
        ts = start + i * NS_PER_SECOND
        events += [
            Quote("PONY", 15.00, 100.0, 15.02, 100.0, ts, ts, "sim"),
            Quote("2026.HK", 118.4, 100.0, 118.6, 100.0, ts, ts, "sim"),
            FxQuote("USDHKD", 7.78, 7.781, ts, ts, "sim"),
        ]
    return events


async def publish(url: str, events: list[Event]) -> None:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        await ensure_stream(js, BusConfig(url=url, stream="TICKS"))
        for event in events:
            await js.publish(tick_subject("dlmon", "sim", event.instrument), encode_events([event]))
    finally:
        await client.close()


def test_replay_reads_a_time_range_of_the_stream(
    nats_server: NatsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    start = time.time_ns() - 120 * NS_PER_SECOND
    asyncio.run(publish(nats_server.url, minutes_of_quotes(start, 100)))
    since, until = start + 10 * NS_PER_SECOND, start + 59 * NS_PER_SECOND
    args = ["--stream", "TICKS", "--since", str(since), "--until", str(until)]
    result = run_cli(capsys, "replay", "--bus", nats_server.url, *args,
                     "--sessions", "always_open", "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["events"] == 50 * 3  # seconds 10..59, three legs each
    assert summary["pairs"][0]["mid"]["last"]["value"] == pytest.approx(15.01 * 7.7805 / 118.5 - 1)


def test_replay_without_files_or_bus_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "replay")
    assert result.returncode == 2
    assert "--bus" in result.stderr
