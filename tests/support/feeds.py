"""Helpers for feed tests: a recording context, a session oracle, eventually, running."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from monitor.core.events import Event
from monitor.feeds.base import Feed, FeedContext, FeedHealth, FeedSpec
from monitor.feeds.streaming import ConnectionOptions


@dataclass
class Sessions:
    """A session oracle whose open instruments the test sets."""

    open: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)  # every instrument asked about, in order

    def is_open(self, instrument: str, now_ns: int) -> bool:
        self.asked.append(instrument)
        return instrument in self.open


@dataclass
class Recorder:
    """A FeedContext whose sink records events."""

    name: str = "feed"
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
        """The recorded events of ``kind`` (for ``instrument`` if given)."""
        return [
            e
            for e in self.events
            if isinstance(e, kind) and (instrument is None or e.instrument == instrument)
        ]


def Spec(  # noqa: N802 - reads like the dataclass it builds
    name: str,
    type: str,
    instruments: list[str],
    symbols: dict[str, str] | None = None,
    priority: int = 0,
    silence_timeout_seconds: float = 30.0,
) -> FeedSpec:
    """A FeedSpec for tests."""
    return FeedSpec(
        name=name,
        type=type,
        priority=priority,
        instruments=instruments,
        symbols=symbols or {},
        silence_timeout_seconds=silence_timeout_seconds,
    )


def fast_connection(**overrides: float | None) -> ConnectionOptions:
    """Connection options with test-sized timeouts and delays."""
    return ConnectionOptions.model_validate(fast_connection_data(**overrides))


def fast_connection_data(**overrides: float | None) -> dict[str, float | None]:
    """:func:`fast_connection` as config data (the ``connection`` key of feed options)."""
    values: dict[str, float | None] = {
        "initial_backoff_seconds": 0.01,
        "max_backoff_seconds": 0.05,
        "min_attempt_interval_seconds": 0.0,
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


class SleepRecorder:
    """An injectable sleep that records requested delays and waits only ``real`` seconds."""

    def __init__(self, real: float = 0.01) -> None:
        self.delays: list[float] = []
        self._real = real

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(min(delay, self._real))
