"""The replay feed inside the daemon: recorded premiums on /api/v1/pairs and /metrics."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml

from monitor.app.build import load
from monitor.app.daemon import Daemon
from monitor.core.events import Event
from monitor.core.sessions import SessionCalendar
from monitor.errors import ConfigError
from monitor.feeds.base import FeedContext, FeedHealth, FeedSpec
from monitor.feeds.replay import ReplayOptions
from monitor.feeds.replay.client import ReplayFeed
from monitor.recorder.clock import ReplayClock
from tests.support.oracle import mid_premium
from tests.support.polling import eventually

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ticks"
ISO_FIXTURE = FIXTURES / "pony_iso.csv"
S = 1_000_000_000
T0 = 1_795_185_000_000_000_000  # 2026-11-20T14:30:00Z, first row of the fixture


def write_config(tmp_path: Path, feeds: dict[str, Any]) -> Path:
    config = {
        "server": {"host": "127.0.0.1", "port": 0, "snapshot_interval_seconds": 0.05},
        "sessions": {"mode": "always_open"},
        "pairs": {"PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1}},
        "feeds": feeds,
    }
    path = tmp_path / "replay.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


async def test_daemon_serves_the_recorded_premium(tmp_path: Path) -> None:
    feeds = {"rec": {"type": "replay", "files": [str(ISO_FIXTURE)], "speed": "max"}}
    daemon = Daemon(load(write_config(tmp_path, feeds)))
    await daemon.start()
    try:
        url = f"http://127.0.0.1:{daemon.port}"
        async with aiohttp.ClientSession() as http:
            await eventually(lambda: daemon.feeds[0].health.messages_total == 10)
            # The shared snapshot is rebuilt each interval: wait for one at the last tick.
            last = T0 + 7_500_000_000
            await eventually(lambda: daemon.snapshot().as_of == last, what="final snapshot")
            async with http.get(f"{url}/api/v1/pairs") as response:
                assert response.status == 200
                (pony,) = await response.json()
            async with http.get(f"{url}/metrics") as response:
                metrics = await response.text()
    finally:
        await daemon.stop()

    expected = mid_premium((15.26 + 15.28) * 0.5, (7.7808 + 7.7812) * 0.5, (118.5 + 118.6) * 0.5, 1)
    assert pony["premium"]["mid"] == pytest.approx(expected, rel=1e-12)
    assert pony["stale"] is False
    assert pony["us"]["source"] == "rec"
    assert pony["us"]["bid"] == 15.26 and pony["us"]["last"] == 15.27
    assert pony["us"]["exchange_timestamp"] == "2026-11-20T14:30:07.500000+00:00"
    assert pony["us"]["receive_timestamp"] == "2026-11-20T14:30:07.500000+00:00"
    assert pony["fx"]["age_seconds"] == 3.5  # judged at recorded time, not today
    assert pony["as_of"] == "2026-11-20T14:30:07.500000+00:00"
    assert 'dlmon_premium_ratio{basis="mid",pair="PONY"}' in metrics


async def test_replay_must_be_the_only_enabled_feed(tmp_path: Path) -> None:
    feeds = {
        "rec": {"type": "replay", "files": [str(ISO_FIXTURE)]},
        "sim": {"type": "simulator"},
    }
    # check-config (load_settings) refuses it already, before any daemon is built
    with pytest.raises(ConfigError, match="only enabled feed"):
        load(write_config(tmp_path, feeds))


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    feeds = {"rec": {"type": "replay", "files": [str(tmp_path / "nope.csv")]}}

    with pytest.raises(ConfigError, match=r"(?s)feeds\.rec.*files: .*no such file"):
        load(write_config(tmp_path, feeds))


def make_feed(
    options: ReplayOptions, clock: ReplayClock, sink: list[Event], **spec: Any
) -> ReplayFeed:
    fields: dict[str, Any] = {
        "name": "rec",
        "type": "replay",
        "priority": 0,
        "instruments": ["PONY", "2026.HK", "USDHKD"],
        "symbols": {},
        "silence_timeout_seconds": 30.0,
    }
    fields.update(spec)
    context = FeedContext(sink.append, clock, SessionCalendar("always_open"), FeedHealth("rec"))
    return ReplayFeed(FeedSpec(**fields), options, context)


async def test_looping_shifts_each_lap_so_time_moves_forward() -> None:
    sink: list[Event] = []
    clock = ReplayClock(0.0)
    feed = make_feed(ReplayOptions(files=[ISO_FIXTURE], speed=0, loop=True), clock, sink)

    task = asyncio.create_task(feed.run())
    await eventually(lambda: len(sink) >= 30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    lap = 7_500_000_000 + S  # recorded span 7.5 s plus the 1 s gap
    assert [e.ts_event for e in sink[10:20]] == [e.ts_event + lap for e in sink[:10]]
    assert [e.ts_event for e in sink[20:30]] == [e.ts_event + 2 * lap for e in sink[:10]]
    assert all(e.ts_recv >= e.ts_event for e in sink)
    assert clock() >= sink[29].ts_event


async def test_paced_replay_keeps_recorded_spacing_on_the_clock() -> None:
    sink: list[Event] = []
    clock = ReplayClock(100.0)  # 7.5 s of recording in about 75 ms
    feed = make_feed(ReplayOptions(files=[ISO_FIXTURE], speed=100), clock, sink)

    await feed.replay()

    assert len(sink) == 10
    assert [e.ts_event for e in sink] == sorted(e.ts_event for e in sink)
    assert all(e.ts_recv >= e.ts_event for e in sink)
    assert sink[0].ts_event == T0
    assert clock() >= T0 + 7_500_000_000


async def test_provider_symbols_map_back_and_other_instruments_are_skipped(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "ts,instrument,kind,bid,bid_size,ask,ask_size,price,size\n"
        f"{T0},PONY.O,trade,,,,,15.2,100\n{T0 + 1},TSLA,trade,,,,,300,1\n",
        encoding="utf-8",
    )
    sink: list[Event] = []
    options = ReplayOptions(files=[path], speed=0)
    feed = make_feed(options, ReplayClock(0.0), sink, symbols={"PONY": "PONY.O"})

    (lap,) = await feed.replay()

    assert [(e.instrument, e.price) for e in sink] == [("PONY", 15.2)]  # type: ignore[union-attr]
    assert lap.skipped == 1
    assert feed.health.errors_total == {"skipped_instrument": 1}


async def test_unreadable_file_marks_the_feed_fatal_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    feed = make_feed(ReplayOptions(files=[path], speed=0), ReplayClock(0.0), [])

    task = asyncio.create_task(feed.run())
    await eventually(feed.finished.is_set)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    assert feed.health.state == "fatal"
    assert feed.health.reason == f"{path}:1: empty file: no header line"
