"""Bad input through the dispatcher: counted by kind at once, logged once per interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitor.app.build import build_feeds, build_pairs, load
from monitor.core.events import FxQuote, Quote, Trade
from monitor.core.sessions import SessionCalendar
from monitor.feeds.badinput import BadInputLog
from monitor.feeds.base import FeedContext, FeedHealth
from monitor.feeds.polygon.parse import PolygonParser
from monitor.feeds.sizes import size_checked
from monitor.feeds.streaming.dispatch import Dispatcher
from monitor.feeds.streaming.watchdog import SilenceWatchdog
from tests.support.feeds import Sessions

SECOND = 1_000_000_000
GOOD = b'{"ev":"Q","sym":"PONY","bp":18.4,"bs":1,"ap":18.5,"as":2,"t":1795208398000}'
BAD = b'{"ev":"Q","sym":"PONY","bp":null,"bs":1,"ap":18.5,"as":2,"t":1795208398000}'
ALIEN = b'{"ev":"Q","sym":"ZZZ","bp":18.4,"bs":1,"ap":18.5,"as":2,"t":1795208398000}'


class World:
    def __init__(self) -> None:
        self.now = 1_795_208_400 * SECOND
        self.events: list[Any] = []
        self.lines: list[tuple[str, dict[str, Any]]] = []
        self.health = FeedHealth("us")
        self.ctx = FeedContext(self.events.append, lambda: self.now, Sessions(), self.health)

    def emit(self, event: str, **fields: Any) -> None:
        self.lines.append((event, fields))

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(
            "us",
            PolygonParser({"PONY": "PONY"}),
            lambda control: None,
            self.ctx,
            SilenceWatchdog(30.0, ["PONY"], self.ctx),
            log_interval_seconds=60.0,
            emit=self.emit,
        )


def test_unknown_symbols_and_bad_elements_are_counted_and_the_good_quote_delivered() -> None:
    world = World()
    world.dispatcher().dispatch(b"[" + b",".join([ALIEN, BAD, GOOD, ALIEN]) + b"]")
    assert [e.instrument for e in world.events] == ["PONY"]
    assert world.health.errors_total == {"parse": 1, "unknown_symbol": 2}


def test_a_flood_of_bad_frames_gives_one_summary_line_per_interval() -> None:
    world = World()
    dispatcher = world.dispatcher()
    for i in range(1000):  # 1000 bad frames over 100 s: a line at 0 s and one at 60 s
        world.now += SECOND // 10
        dispatcher.dispatch(b"not json" if i % 2 else b"[" + ALIEN + b"," + GOOD + b"]")
    assert world.health.errors_total == {"parse": 500, "unknown_symbol": 500}
    assert len(world.events) == 500
    assert [event for event, _ in world.lines] == ["bad_input", "bad_input"]
    first, second = (fields for _, fields in world.lines)
    assert first["counts"] == {"unknown_symbol": 1} and first["unknown_symbols"] == ["ZZZ"]
    assert second["counts"] == {"parse": 300, "unknown_symbol": 300}  # 60 s worth
    assert second["feed"] == "us" and "not json" in second["frame"]


def test_counts_held_since_the_last_line_go_into_the_next_and_flush_writes_them() -> None:
    lines: list[dict[str, Any]] = []
    bad = BadInputLog("f", 10.0, lambda event, **fields: lines.append(fields))
    bad.note("parse", "first", b"x", 0)
    bad.note("parse", "second", b"y", 5 * SECOND)
    bad.flush(6 * SECOND)
    bad.flush(7 * SECOND)  # nothing new: no line
    assert [line["counts"] for line in lines] == [{"parse": 1}, {"parse": 1}]
    assert lines[1]["example"] == "second"


def test_sizes_above_the_ceiling_are_dropped_and_counted_per_feed() -> None:
    health = FeedHealth("us")
    seen: list[Any] = []
    sink = size_checked(seen.append, 1e6, health)
    sink(Quote("PONY", 18.4, 2e6, 18.5, 100.0, 1, 2))
    sink(Trade("PONY", 18.4, 5e6, 1, 2))
    sink(Quote("PONY", 18.4, 1e6, 18.5, 100.0, 1, 2))  # at the ceiling: plausible
    sink(Trade("PONY", 18.4, float("inf"), 1, 2))  # the core's to reject (non_finite_size)
    sink(FxQuote("USDHKD", 7.8, 7.81, 1, 2))
    assert [type(e).__name__ for e in seen] == ["Quote", "Trade", "FxQuote"]
    assert health.errors_total == {"implausible_size": 2}


def test_the_ceiling_is_a_feed_setting_the_daemon_applies(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "pairs: {PONY: {}}\nfeeds:\n  sim: {type: simulator, max_size: 500}\n", encoding="utf-8"
    )
    settings = load(config)
    seen: list[Any] = []
    pairs = build_pairs(settings)
    (feed,) = build_feeds(settings, pairs, seen.append, lambda: 0, SessionCalendar("always_open"))
    sink = feed._ctx.sink  # type: ignore[attr-defined]
    sink(Trade("PONY", 18.4, 501.0, 1, 2))
    sink(Trade("PONY", 18.4, 500.0, 1, 2))
    assert len(seen) == 1 and feed.health.errors_total == {"implausible_size": 1}
