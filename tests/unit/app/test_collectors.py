"""The collectors of /metrics, each in its own registry: fresh per scrape, degrading on errors."""

from __future__ import annotations

import dataclasses
import platform
from typing import NoReturn, cast

from prometheus_client import CollectorRegistry, generate_latest

from monitor.core.analytics_view import PairAnalytics
from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from monitor.core.sessions import SessionCalendar
from monitor.core.snapshot import MarketSnapshot
from monitor.expose.metrics.feeds import FeedsCollector
from monitor.expose.metrics.market import MarketCollector
from monitor.expose.metrics.tasks import TasksCollector
from monitor.feeds.base import FeedHealth, FeedState
from tests.support.builders import pony_pair

T0 = 1_790_000_000_000_000_000

BUILD = {"version": "1.2.3", "revision": "", "python_version": platform.python_version()}


class BrokenAnalytics:
    """Stands in for a pair's analytics whose every read raises."""

    def __getattr__(self, name: str) -> NoReturn:
        raise RuntimeError(f"analytics.{name} is broken")


def with_broken_analytics(engine: Engine) -> MarketSnapshot:
    """The engine's snapshot, with analytics that raise when read."""
    snapshot = engine.snapshot(T0)
    broken = cast(PairAnalytics, BrokenAnalytics())
    pairs = tuple(view._replace(analytics=broken) for view in snapshot.pairs)
    return dataclasses.replace(snapshot, pairs=pairs)


def failing_snapshot() -> MarketSnapshot:
    raise RuntimeError("snapshot is broken")


def fed(engine: Engine) -> Engine:
    engine.on_event(Quote("PONY", 15.2, 100, 15.22, 100, T0, T0, "sim"))
    engine.on_event(Quote("2026.HK", 118.4, 100, 118.5, 100, T0, T0, "sim"))
    engine.on_event(FxQuote("USDHKD", 7.781, 7.7812, T0, T0, "sim"))
    return engine


def calendar() -> SessionCalendar:
    return SessionCalendar("always_open")


def test_market_collector_reads_a_fresh_snapshot_on_every_scrape() -> None:
    engine = Engine([pony_pair()], calendar())
    registry = CollectorRegistry()
    MarketCollector(engine, lambda: engine.snapshot(T0), registry=registry)
    premium = {"pair": "PONY", "basis": "mid"}
    assert registry.get_sample_value("dlmon_premium_ratio", premium) is None

    fed(engine)

    assert registry.get_sample_value("dlmon_premium_ratio", premium) is not None
    assert registry.get_sample_value("dlmon_events_accepted_total") == 3.0


def test_a_family_group_that_raises_is_left_out_and_the_others_are_served() -> None:
    engine = fed(Engine([pony_pair()], calendar()))
    registry = CollectorRegistry()
    MarketCollector(engine, lambda: with_broken_analytics(engine), registry=registry)

    text = generate_latest(registry).decode()

    assert "dlmon_premium_basis_live" not in text  # the analytics groups raised
    assert "dlmon_turnover_share_ratio" not in text
    assert registry.get_sample_value("dlmon_premium_ratio", {"pair": "PONY", "basis": "mid"})
    assert registry.get_sample_value("dlmon_price", {"instrument": "PONY", "field": "bid"}) == 15.2
    assert registry.get_sample_value("dlmon_quoted_spread_ratio", {"instrument": "PONY"})
    assert registry.get_sample_value("dlmon_events_accepted_total") == 3.0


def test_without_a_snapshot_the_counters_and_other_collectors_are_still_served() -> None:
    engine = fed(Engine([pony_pair()], calendar()))
    health = FeedHealth("sim", FeedState.STREAMING)
    registry = CollectorRegistry()
    MarketCollector(engine, failing_snapshot, registry=registry)
    FeedsCollector(lambda: [health], registry=registry)
    TasksCollector("1.2.3", {"feed:sim": 2}, registry=registry)

    text = generate_latest(registry).decode()

    assert "dlmon_premium_ratio" not in text and "dlmon_price" not in text
    assert registry.get_sample_value("dlmon_events_accepted_total") == 3.0
    assert registry.get_sample_value("dlmon_feed_up", {"feed": "sim"}) == 1.0
    assert registry.get_sample_value("dlmon_build_info", BUILD) == 1.0
    assert registry.get_sample_value("dlmon_task_restarts_total", {"task": "feed:sim"}) == 2.0


def test_feeds_collector_serves_nothing_when_the_health_records_cannot_be_read() -> None:
    def unreadable() -> list[FeedHealth]:
        raise RuntimeError("health is broken")

    registry = CollectorRegistry()
    FeedsCollector(unreadable, registry=registry)
    TasksCollector("1.2.3", {}, registry=registry)

    text = generate_latest(registry).decode()

    assert "dlmon_feed_" not in text
    assert registry.get_sample_value("dlmon_build_info", BUILD) == 1.0


def test_feeds_collector_follows_each_feed_state() -> None:
    health = FeedHealth("sim", FeedState.STREAMING)
    registry = CollectorRegistry()
    FeedsCollector(lambda: [health], registry=registry)
    assert registry.get_sample_value("dlmon_feed_state", {"feed": "sim", "state": "streaming"})

    health.set_state(FeedState.FATAL, "auth_failed")

    assert registry.get_sample_value("dlmon_feed_up", {"feed": "sim"}) == 0.0
    assert registry.get_sample_value("dlmon_feed_state", {"feed": "sim", "state": "fatal"}) == 1.0
    assert (
        registry.get_sample_value("dlmon_feed_state", {"feed": "sim", "state": "streaming"}) is None
    )


def test_tasks_collector_reads_the_live_restart_counts() -> None:
    restarts = {"alerts": 0}
    registry = CollectorRegistry()
    TasksCollector("1.2.3", restarts, registry=registry)

    restarts["alerts"] += 1

    assert registry.get_sample_value("dlmon_task_restarts_total", {"task": "alerts"}) == 1.0
