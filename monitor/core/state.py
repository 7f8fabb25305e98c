"""Per-instrument state: one record per source, the active source, rolling trades."""

from __future__ import annotations

from monitor.core.instruments import Instrument
from monitor.core.liquidity import RollingTrades

NAN = float("nan")


class SourceState:
    """The latest valid top of book and print of one instrument from one feed."""

    __slots__ = (
        "ask",
        "ask_size",
        "bid",
        "bid_size",
        "has_quote",
        "last",
        "last_size",
        "priority",
        "quote_ts",
        "source",
        "trade_ts",
        "ts_event",
        "ts_recv",
    )

    def __init__(self, source: str, priority: int) -> None:
        self.source = source
        self.priority = priority
        self.bid = self.ask = self.bid_size = self.ask_size = NAN
        self.last = self.last_size = NAN
        self.quote_ts = self.trade_ts = self.ts_event = self.ts_recv = 0
        self.has_quote = False

    @property
    def has_price(self) -> bool:
        return self.has_quote or self.trade_ts > 0

    @property
    def mid(self) -> float:
        """Mid of bid/ask, or the last price where the source has no quotes."""
        if self.has_quote:
            return (self.bid + self.ask) * 0.5
        return self.last

    @property
    def exec_bid(self) -> float:
        return self.bid if self.has_quote else self.last

    @property
    def exec_ask(self) -> float:
        return self.ask if self.has_quote else self.last


class InstrumentState:
    """All sources of one instrument, the one in use, and its rolling trade windows."""

    __slots__ = ("active", "instrument", "pairs", "sources", "stale_after_ns", "trades")

    def __init__(self, instrument: Instrument, windows: tuple[int, ...], stale_after_ns: int):
        self.instrument = instrument
        self.sources: dict[str, SourceState] = {}
        self.active: SourceState | None = None
        self.trades = RollingTrades(windows)
        self.stale_after_ns = stale_after_ns
        self.pairs: list[int] = []  # indices of the pairs this instrument is a leg of

    def source(self, name: str, priority: int) -> SourceState:
        state = self.sources.get(name)
        if state is None:
            state = self.sources[name] = SourceState(name, priority)
        return state

    def consider(self, candidate: SourceState, now_ns: int) -> None:
        """Make ``candidate`` active if it outranks the active source or that one went silent."""
        active = self.active
        if active is None or active is candidate:
            self.active = candidate
        elif candidate.priority > active.priority:
            self.active = candidate  # failback to the preferred source
        elif now_ns - active.ts_recv > self.stale_after_ns:
            self.active = candidate  # failover: the preferred source went silent

    def reselect(self, now_ns: int) -> SourceState | None:
        """Pick the highest-priority source heard from within the limit (else the freshest)."""
        best: SourceState | None = None
        for state in self.sources.values():
            if not state.has_price or now_ns - state.ts_recv > self.stale_after_ns:
                continue
            if best is None or state.priority > best.priority:
                best = state
        if best is None:
            fresh = [s for s in self.sources.values() if s.has_price]
            best = max(fresh, key=lambda s: s.ts_recv, default=self.active)
        self.active = best
        return best
