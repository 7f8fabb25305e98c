"""A daemon restarted on the bus warms its rolling windows up from the stream."""

from __future__ import annotations

import time
from typing import Any

import nats
import pytest

from monitor.app.daemon import Daemon
from monitor.bus.connection import ensure_stream
from monitor.bus.encoding import HealthNote, encode_events, encode_health
from monitor.bus.subjects import health_subject, tick_subject
from monitor.core.events import NS_PER_SECOND, Event, FxQuote, Quote
from monitor.settings.bus import BusConfig
from tests.support.bus import daemon_config, settings
from tests.support.nats_server import NatsServer
from tests.support.polling import eventually

HISTORY_SECONDS = 180


def history(now: int) -> list[Event]:
    """One quote of each leg a second over the last HISTORY_SECONDS, a premium that moves."""
    events: list[Event] = []
    for back in range(HISTORY_SECONDS, 0, -1):
        ts = now - back * NS_PER_SECOND
        wiggle = 0.01 * (back % 3)
        events += [
            Quote("PONY", 15.00 + wiggle, 100.0, 15.02 + wiggle, 100.0, ts, ts, "sim"),
            Quote("2026.HK", 118.4, 100.0, 118.6, 100.0, ts, ts, "sim"),
            FxQuote("USDHKD", 7.78, 7.781, ts, ts, "sim"),
        ]
    return events


async def publish_history(url: str, now: int) -> None:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        await ensure_stream(js, BusConfig(url=url, stream="TICKS"))
        for event in history(now):
            subject = tick_subject("dlmon", "sim", event.instrument)
            await js.publish(subject, encode_events([event]))
        note = HealthNote("sim", "streaming", "", time.time_ns(), 540)
        await js.publish(health_subject("dlmon", "sim"), encode_health(note))
    finally:
        await client.close()


def mid_samples(daemon: Daemon) -> int:
    analytics = daemon.snapshot().pairs[0].analytics
    if analytics is None:
        return 0
    return next(w.samples for w in analytics.premium_windows if w.basis == "mid")


def config(url: str, warmup: float) -> dict[str, Any]:
    data = daemon_config(url, warmup_seconds=warmup)
    data["analytics"] = {"windows": {"5m": 300}, "min_samples": 30}
    data["staleness"] = {"us_seconds": 30, "hk_seconds": 30, "fx_seconds": 30}
    return data


@pytest.mark.parametrize(("warmup", "least", "most"), [(600, 150, 10_000), (0, 0, 5)])
async def test_warm_up_fills_the_rolling_windows_before_the_clock_starts(
    nats_server: NatsServer, warmup: float, least: int, most: int
) -> None:
    await publish_history(nats_server.url, time.time_ns())
    daemon = Daemon(settings(config(nats_server.url, warmup)))
    await daemon.start()
    try:
        feed = daemon.feed("sim")
        await eventually(lambda: feed.health.up, within=10, what="feed up")
        await eventually(lambda: daemon.market.ticks >= 2, within=10, what="two clock ticks")
        assert least <= mid_samples(daemon) <= most
        window = daemon.snapshot().pairs[0].analytics
        assert window is not None
        if warmup:
            assert next(w.stddev for w in window.premium_windows if w.basis == "mid")
    finally:
        await daemon.stop()
