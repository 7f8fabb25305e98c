"""The contract between the daemon and every feed: health, context, factory, protocol."""

from __future__ import annotations

import enum
import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, NamedTuple, Protocol, TypeVar, runtime_checkable

from monitor.core.events import Event
from monitor.core.instruments import Pair
from monitor.latency import INGEST_BUCKETS_SECONDS, LatencyHistogram

EventSink = Callable[[Event], object]
"""Synchronous hand-off of one normalized event to the core (no I/O, never blocks)."""

SourceDown = Callable[[str, bool], None]
"""``(feed name, down)``: a feed that knows its data stopped (a bus feed whose bus or
gateway is gone) says so, and the core treats its legs as stale at once."""


def ignore_source_down(_source: str, _down: bool) -> None:
    """The default :data:`SourceDown`: nobody listens."""


Clock = Callable[[], int]
"""Wall-clock time in integer nanoseconds since the epoch (``time.time_ns`` in production)."""


class FeedState(enum.StrEnum):
    """Connection state of a feed, as shown on /readyz and in logs."""

    NEW = "new"
    CONNECTING = "connecting"
    AUTHENTICATING = "authenticating"
    SUBSCRIBING = "subscribing"
    STREAMING = "streaming"
    BACKOFF = "backoff"
    FATAL = "fatal"  # bad credentials, entitlement, connection limit: retried slowly
    STOPPED = "stopped"


@dataclass(slots=True)
class FeedHealth:
    """Mutable health record a feed updates and the metrics collector reads at scrape time."""

    name: str
    state: FeedState = FeedState.NEW
    reason: str = ""
    messages_total: int = 0
    connect_attempts_total: int = 0  # every session started, the first one included
    reconnects_total: int = 0
    last_message_ns: int = 0
    errors_total: dict[str, int] = field(default_factory=dict)
    ingest_latency: LatencyHistogram = field(
        default_factory=lambda: LatencyHistogram(INGEST_BUCKETS_SECONDS)
    )
    """Receive -> state-applied time of each frame that carried events."""

    @property
    def up(self) -> bool:
        """Connected, authenticated and subscribed."""
        return self.state is FeedState.STREAMING

    def count_error(self, kind: str) -> None:
        """Count one error of ``kind`` (a short, bounded label such as ``parse``)."""
        self.errors_total[kind] = self.errors_total.get(kind, 0) + 1

    def set_state(self, state: FeedState, reason: str = "") -> None:
        self.state = state
        self.reason = reason


class SessionOracle(Protocol):
    """Answers whether an instrument's venue is trading at a time (for silence watchdogs)."""

    def is_open(self, instrument: str, now_ns: int) -> bool: ...


class FeedContext(NamedTuple):
    """What a feed factory receives besides its own config."""

    sink: EventSink
    clock: Clock
    sessions: SessionOracle
    health: FeedHealth
    pairs: tuple[Pair, ...] = ()  # the configured pairs (the simulator models them)
    source_down: SourceDown = ignore_source_down


class Feed(Protocol):
    """A running feed. ``run`` returns only when the feed is stopped or cancelled."""

    name: str
    health: FeedHealth

    async def run(self) -> None: ...


@runtime_checkable
class WarmUpFeed(Protocol):
    """A feed that can replay recent history before the daemon's clock starts (``nats``).

    ``warm_up`` hands the events to the sink and calls ``advance(ts_ns)`` as they cross
    seconds, so rolling windows fill as they would have live; it returns the count.
    """

    async def warm_up(self, advance: Callable[[int], None]) -> int: ...


class FeedSpec(NamedTuple):
    """The provider-independent part of a feed's configuration."""

    name: str
    type: str
    priority: int
    instruments: list[str]
    symbols: Mapping[str, str]
    silence_timeout_seconds: float


OptionsT = TypeVar("OptionsT")


class FeedType(NamedTuple, Generic[OptionsT]):
    """A provider's entry in the registry: its options model and its factory.

    ``options`` is the provider's pydantic model; the composition root validates the feed's
    section with it and hands the result to ``factory``, which is typed with that model.
    ``factory`` may import optional dependencies lazily; ``extra`` names the pip extra
    that provides them and ``requires`` the modules it installs, so that a configuration
    asking for a missing extra is refused with a clear message before anything starts.
    """

    options: type[OptionsT]
    factory: Callable[[FeedSpec, OptionsT, FeedContext], Feed]
    extra: str | None = None
    requires: tuple[str, ...] = ()

    def missing_modules(self) -> list[str]:
        """The modules of ``requires`` that cannot be imported here."""
        return [m for m in self.requires if not _importable(m)]


def _importable(module: str) -> bool:
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
