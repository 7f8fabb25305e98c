"""A source its feed reported down: stale at once, and the instrument's other source wins."""

from __future__ import annotations

from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from tests.support.builders import T0, S


def feed_all(engine: Engine, t: int, source: str) -> None:
    assert engine.on_event(Quote("PONY", 15.20, 300, 15.22, 500, t, t, source))
    assert engine.on_event(Quote("2026.HK", 118.4, 1000, 118.5, 2000, t, t, source))
    assert engine.on_event(FxQuote("USDHKD", 7.7810, 7.7814, t, t, source))


def test_a_lone_source_reported_down_makes_its_legs_stale_at_once(engine: Engine) -> None:
    feed_all(engine, T0, "a")
    engine.set_source_down("a", True)
    view = engine.snapshot(T0 + S).pairs[0]  # one second: far inside the staleness limit
    assert view.premium.mid is None
    assert view.us.stale_reason == "source a is down"
    engine.set_source_down("a", False)
    assert engine.snapshot(T0 + S).pairs[0].premium.mid is not None


def test_the_other_source_takes_over_at_once_and_gives_back_when_up(engine: Engine) -> None:
    feed_all(engine, T0, "a")  # a has priority 10, b 5
    feed_all(engine, T0, "b")
    assert engine.snapshot(T0 + S).pairs[0].us.source == "a"
    engine.set_source_down("a", True)
    view = engine.snapshot(T0 + S).pairs[0]
    assert view.us.source == "b" and not view.stale
    engine.set_source_down("a", False)
    assert engine.snapshot(T0 + S).pairs[0].us.source == "a"


def test_an_unknown_source_changes_nothing(engine: Engine) -> None:
    feed_all(engine, T0, "a")
    engine.set_source_down("nobody", True)
    assert not engine.snapshot(T0 + S).pairs[0].stale
