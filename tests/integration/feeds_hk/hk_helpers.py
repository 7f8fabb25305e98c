"""Test helpers shared by the HK-route tests: a recording context and ``eventually``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from monitor.core.events import Event
from monitor.feeds.base import FeedContext, FeedHealth, FeedSpec


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
