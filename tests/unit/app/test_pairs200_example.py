"""config/examples/pairs200.yaml: 200 distinct pairs, every leg served by one simulator."""

from __future__ import annotations

import time
from pathlib import Path

from monitor.app.build import build_feeds, build_pairs, load
from monitor.core.engine import Engine
from monitor.core.sessions import SessionCalendar
from monitor.feeds.simulator.client import SimulatorFeed

EXAMPLE = Path(__file__).parents[3] / "config" / "examples" / "pairs200.yaml"


def test_the_200_pair_example_builds_and_its_simulator_serves_every_pair() -> None:
    settings = load(EXAMPLE)
    pairs = build_pairs(settings)
    assert len(pairs) == 200
    assert len({p.us.symbol for p in pairs} | {p.hk.symbol for p in pairs}) == 400
    assert settings.alerts.evaluation_interval_seconds == 1
    assert str(settings.alerts.state_dir).startswith("/tmp/")
    assert str(settings.notify.spool_dir).startswith("/tmp/")
    sessions = SessionCalendar(settings.sessions.mode)
    engine = Engine(pairs, sessions)
    (feed,) = build_feeds(settings, pairs, engine.on_event, time.time_ns, sessions)
    assert isinstance(feed, SimulatorFeed)
    assert len(feed.model.pairs) == 200
    # the opening snapshot prices every leg of every pair
    opening = feed.model.opening_events(time.time_ns(), set(settings.feeds["sim"].instruments))
    assert all(engine.on_event(event) for event in opening)
    view = engine.snapshot(time.time_ns())
    assert all(p.premium.mid is not None for p in view.pairs)
