"""Test helpers shared by the HK-route tests: a recording context and ``eventually``."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from monitor.core.events import Event
from monitor.feeds.base import Feed, FeedContext, FeedHealth, FeedSpec


@dataclass
class Sessions:
    """A session oracle whose open instruments the test sets."""

    open: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)

    def is_open(self, instrument: str, now_ns: int) -> bool:
        self.asked.append(instrument)
        return instrument in self.open


@dataclass
class Recorder:
    """A FeedContext whose sink records events."""

    name: str = "hk"
    events: list[Event] = field(default_factory=list)
    sessions: Sessions = field(default_factory=Sessions)
    health: FeedHealth = field(init=False)
    ctx: FeedContext = field(init=False)

    def __post_init__(self) -> None:
        self.health = FeedHealth(self.name)
        self.ctx = FeedContext(
            sink=self.events.append, clock=time.time_ns, sessions=self.sessions, health=self.health
        )

    def of(self, kind: type[Event], instrument: str | None = None) -> list[Event]:
        return [
            e
            for e in self.events
            if isinstance(e, kind) and (instrument is None or e.instrument == instrument)
        ]


async def eventually(
    check: Callable[[], object], within: float = 5.0, what: str = "condition"
) -> None:
    """Poll ``check`` until it is truthy or ``within`` seconds pass."""
    deadline = time.monotonic() + within
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


def Spec(  # noqa: N802 - reads like the dataclass it builds
    name: str,
    type: str,
    instruments: list[str],
    symbols: dict[str, str] | None = None,
    silence_timeout_seconds: float = 30.0,
) -> FeedSpec:
    """Build a :class:`FeedSpec` for tests."""
    return FeedSpec(name, type, 0, instruments, symbols or {}, silence_timeout_seconds)


def fast_connection(**overrides: float | None) -> dict[str, float | None]:
    """Connection options (as config data) with test-sized timeouts and delays."""
    values: dict[str, float | None] = {
        "initial_backoff_seconds": 0.01,
        "max_backoff_seconds": 0.05,
        "fatal_retry_min_seconds": 0.2,
        "fatal_retry_max_seconds": 0.3,
        "handshake_timeout_seconds": 2.0,
        "close_timeout_seconds": 0.2,
    }
    values.update(overrides)
    return values


@contextlib.asynccontextmanager
async def running(feed: Feed) -> AsyncIterator[asyncio.Task[None]]:
    """Run ``feed`` in a task for the duration of the block, then cancel it."""
    task = asyncio.create_task(feed.run(), name=f"feed-{feed.name}")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
