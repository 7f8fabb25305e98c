"""The provider-agnostic streaming pieces (reconnect loop, watchdog, dispatch), fake time."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field

import pytest
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.frames import Close
from websockets.http11 import Response

from monitor.core.events import Event, Trade
from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.base import FeedContext, FeedHealth, FeedState
from monitor.feeds.streaming import (
    ConnectionOptions,
    Dispatcher,
    FeedSilentError,
    LineSplitter,
    ReconnectLoop,
    SilenceWatchdog,
    classify,
)
from monitor.feeds.wire import Control, Parsed, ParseError

SECOND = 1_000_000_000


@dataclass
class FakeSessions:
    open: set[str] = field(default_factory=set)

    def is_open(self, instrument: str, now_ns: int) -> bool:
        return instrument in self.open


@dataclass
class World:
    now: int = 1_000 * SECOND
    sessions: FakeSessions = field(default_factory=FakeSessions)
    events: list[Event] = field(default_factory=list)
    health: FeedHealth = field(default_factory=lambda: FeedHealth("f"))

    def clock(self) -> int:
        return self.now

    def ctx(self) -> FeedContext:
        return FeedContext(self.events.append, self.clock, self.sessions, self.health)


def closed(rcvd: int | None, sent: int | None, reason: str = "") -> ConnectionClosedError:
    return ConnectionClosedError(
        Close(rcvd, reason) if rcvd is not None else None,
        Close(sent, reason) if sent is not None else None,
        True if rcvd is not None and sent is not None else None,
    )


@pytest.mark.parametrize(
    ("exc", "kind", "fatal"),
    [
        (FeedFatalError("bad key"), "fatal", True),
        (FeedProtocolError("odd"), "protocol", False),
        (FeedSilentError("quiet"), "silence", False),
        (closed(None, 1009, "too big"), "oversize", False),
        (closed(1008, None, "max_connections"), "fatal", True),
        (closed(None, 1011, "keepalive ping timeout"), "timeout", False),
        (closed(1006, None), "disconnect", False),
        (InvalidStatus(Response(401, "Unauthorized", {}, b"")), "connect", True),  # type: ignore[arg-type]
        (InvalidStatus(Response(502, "Bad Gateway", {}, b"")), "connect", False),  # type: ignore[arg-type]
        (TimeoutError(), "timeout", False),
        (ConnectionRefusedError(), "connect", False),
        (ConnectionResetError("stream ended by the server"), "disconnect", False),
        (KeyError("bug"), "internal", False),
    ],
)
def test_classify(exc: BaseException, kind: str, fatal: bool) -> None:
    failure = classify(exc)
    assert (failure.kind, failure.fatal) == (kind, fatal)


def test_watchdog_fires_only_while_in_session() -> None:
    world = World()
    dog = SilenceWatchdog(10.0, ["PONY", "USDHKD"], world.ctx())
    dog.start(world.now)
    world.now += 9 * SECOND
    assert dog.budget(world.now) == pytest.approx(1.0)
    world.now += 2 * SECOND
    dog.check(world.now)  # closed: silence is fine, reference resets
    assert dog.budget(world.now) == pytest.approx(10.0)
    world.sessions.open = {"USDHKD"}
    world.now += 5 * SECOND
    dog.check(world.now)  # not yet past the timeout
    world.now += 5 * SECOND
    with pytest.raises(FeedSilentError, match="USDHKD in session"):
        dog.check(world.now)


def test_watchdog_is_fed_by_data() -> None:
    world = World()
    world.sessions.open = {"PONY"}
    dog = SilenceWatchdog(10.0, ["PONY"], world.ctx())
    dog.start(world.now)
    world.now += 8 * SECOND
    dog.saw_data(world.now)
    world.now += 8 * SECOND
    dog.check(world.now)
    assert dog.budget(world.now) == pytest.approx(2.0)


def test_line_splitter_joins_chunks_and_drops_oversized_lines() -> None:
    lines = LineSplitter(16, 0)
    assert lines.feed(b'{"a":1}\n{"b"', 1) == [b'{"a":1}']
    assert lines.feed(b":2}\n\n", 2) == [b'{"b":2}']
    assert lines.feed(b"x" * 20, 3) == [] and lines.oversize == 1
    assert lines.feed(b"yyyy\n{}\n", 4) == [b"{}"]  # the rest of the long line is skipped
    assert lines.feed(b"z" * 17 + b"\n", 5) == [] and lines.oversize == 2
    assert lines.idle_for(5 + SECOND) == pytest.approx(1.0)


def trade(price: float) -> Trade:
    return Trade("PONY", price, 1.0, 1, 2)


def test_dispatcher_counts_bad_frames_and_keeps_good_events() -> None:
    world = World()

    def parse(frame: str | bytes, ts_recv: int) -> Parsed:
        if frame == "bad":
            raise ParseError("nope")
        return Parsed(events=[trade(1.0)], controls=[Control("error", "meh")], errors=["x"])

    seen: list[Control] = []
    dog = SilenceWatchdog(10.0, ["PONY"], world.ctx())
    dispatcher = Dispatcher("f", parse, seen.append, world.ctx(), dog)
    assert dispatcher.dispatch("bad") == []
    assert dispatcher.dispatch("good") == [Control("error", "meh")]
    assert world.events == [Trade("PONY", 1.0, 1.0, 1, 2, "f")]
    assert world.health.messages_total == 2
    assert world.health.errors_total == {"parse": 2, "provider": 1}
    assert world.health.last_message_ns == world.now
    assert seen == [Control("error", "meh")]


def test_dispatcher_survives_a_failing_sink() -> None:
    world = World()
    calls: list[Event] = []

    def sink(event: Event) -> None:
        calls.append(event)
        if len(calls) == 1:
            raise ValueError("core bug")

    ctx = FeedContext(sink, world.clock, world.sessions, world.health)
    dispatcher = Dispatcher(
        "f",
        lambda f, t: Parsed(events=[trade(1.0), trade(2.0)]),
        lambda c: None,
        ctx,
        SilenceWatchdog(1.0, [], ctx),
    )
    dispatcher.dispatch("x")
    assert len(calls) == 2 and world.health.errors_total == {"sink": 1}


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


async def test_reconnect_loop_resets_backoff_after_a_healthy_run_and_retries_fatal_slowly() -> None:
    health = FeedHealth("f")
    options = ConnectionOptions(
        initial_backoff_seconds=1.0,
        max_backoff_seconds=64.0,
        healthy_after_seconds=60.0,
        fatal_retry_min_seconds=100.0,
        fatal_retry_max_seconds=200.0,
    )
    clock = Clock()
    delays: list[float] = []
    states: list[FeedState] = []
    script = ["drop", "drop", "drop", "stream_long_then_drop", "drop", "fatal", "fatal", "stop"]

    async def sleep(delay: float) -> None:
        delays.append(delay)

    async def session(streaming: object) -> None:
        step = script.pop(0)
        states.append(health.state)
        if step == "stop":
            raise asyncio.CancelledError
        if step == "stream_long_then_drop":
            assert callable(streaming)
            streaming()
            clock.t += 61.0
        if step == "fatal":
            raise FeedFatalError("bad key")
        raise ConnectionResetError("gone")

    loop = ReconnectLoop(health, options, sleep=sleep, rng=random.Random(3), monotonic=clock)
    with pytest.raises(asyncio.CancelledError):
        await loop.run(session)

    ceilings = [1, 2, 4, 1, 2]  # reset after the healthy (61 s) session
    assert all(d <= c for d, c in zip(delays[:5], ceilings, strict=True))
    assert all(100.0 <= d <= 200.0 for d in delays[5:])
    assert health.errors_total == {"disconnect": 5, "fatal": 2}
    assert health.reconnects_total == 7
    assert states[-1] is FeedState.FATAL  # the retry after a fatal error keeps the reason shown
    assert health.state is FeedState.STOPPED
