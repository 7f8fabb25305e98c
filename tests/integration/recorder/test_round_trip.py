"""A recorded live session replays to exactly the premiums it produced live."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from monitor.app.build import load
from monitor.app.daemon import Daemon
from monitor.app.replay import run_replay
from monitor.recorder.stats import PremiumTracker
from monitor.settings.root import Settings
from tests.support.polling import eventually


def live_settings(tmp_path: Path, fmt: str) -> Settings:
    config = {
        "server": {"host": "127.0.0.1", "port": 0},
        "sessions": {"mode": "always_open"},
        "pairs": {"PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1}},
        "feeds": {
            "sim": {
                "type": "simulator",
                "seed": 11,
                "updates_per_second": 1000,
                "trade_probability": 0.3,
                "fault_probability": 0.05,  # broken ticks are rejected, so never recorded
                "instruments": ["PONY", "2026.HK", "USDHKD"],
            }
        },
        "recorder": {
            "enabled": True,
            "directory": str(tmp_path / "ticks"),
            "format": fmt,
            "rotate_bytes": 8192,  # several files, merged again by the replay
            "flush_interval_seconds": 0.05,
        },
    }
    path = tmp_path / "live.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return load(path)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
async def test_recorded_session_replays_to_the_same_premiums(tmp_path: Path, fmt: str) -> None:
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    settings = live_settings(tmp_path, fmt)
    daemon = Daemon(settings)
    live_series = io.StringIO()
    live = PremiumTracker(daemon.engine, live_series)
    daemon.engine.listeners.append(live)

    await daemon.start()
    try:
        await eventually(lambda: daemon.engine.accepted_total >= 1500, within=20.0)
    finally:
        await daemon.stop()
    assert daemon.recorder is not None
    assert daemon.recorder.stats.dropped == 0
    recorded_total = daemon.registry.get_sample_value("dlmon_recorder_events_total")
    assert recorded_total == daemon.engine.accepted_total
    assert sum(daemon.engine.rejects.values()) > 0  # the faults happened and were not recorded
    files = sorted((tmp_path / "ticks").glob(f"*.{fmt}"))
    assert len(files) > 1

    replay_series = io.StringIO()
    summary = await run_replay(settings, files, speed=0.0, series=replay_series)

    assert summary.malformed == 0
    assert summary.events == daemon.engine.accepted_total
    assert summary.accepted == daemon.engine.accepted_total
    assert summary.rejects == {}
    assert replay_series.getvalue().count("\n") > 1000
    assert replay_series.getvalue() == live_series.getvalue()
    live_pony, replay_pony = live.pairs["PONY"], summary.pairs[0]
    assert (replay_pony.last, replay_pony.low, replay_pony.high) == (
        live_pony.last,
        live_pony.low,
        live_pony.high,
    )
    (view,) = summary.snapshot.pairs
    assert live_pony.last is not None
    assert view.premium.mid == live_pony.last.value
    assert not view.stale
