"""Per-instrument state: one record per source, the active source, rolling trades."""

from __future__ import annotations

from typing import Final

from monitor.core.instruments import Instrument
from monitor.core.liquidity import RollingTrades

NAN: Final = float("nan")


class SourceState:
    """The latest valid top of book and print of one instrument from one feed.

    ``mid``, ``exec_bid`` and ``exec_ask`` are derived on every update (not on every read)
    because the premium reads them on every event: from the quote where the source has
    one, else from the last trade price (a provider with no quotes, e.g. Finnhub).
    """

    __slots__ = (
        "ask",
        "ask_size",
        "bid",
        "bid_size",
        "down",
        "exec_ask",
        "exec_bid",
        "has_price",
        "has_quote",
        "last",
        "last_size",
        "mid",
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
        self.mid = self.exec_bid = self.exec_ask = NAN
        self.quote_ts = self.trade_ts = self.ts_event = self.ts_recv = 0
        self.has_quote = self.has_price = False
        self.down = False  # its feed reported it down (a bus feed): no fresh data comes

    def set_quote(self, bid: float, ask: float, bid_size: float, ask_size: float) -> None:
        self.bid, self.ask, self.bid_size, self.ask_size = bid, ask, bid_size, ask_size
        self.exec_bid, self.exec_ask = bid, ask
        self.mid = (bid + ask) * 0.5
        self.has_quote = self.has_price = True

    def set_last(self, price: float, size: float) -> None:
        self.last, self.last_size = price, size
        self.has_price = True
        if not self.has_quote:
            self.mid = self.exec_bid = self.exec_ask = price


class InstrumentState:
    """All sources of one instrument, the one in use, and its rolling trade windows."""

    __slots__ = ("active", "instrument", "is_fx", "sources", "stale_after_ns", "trades")

    def __init__(self, instrument: Instrument, windows: tuple[int, ...], stale_after_ns: int):
        self.instrument = instrument
        self.is_fx = instrument.is_fx  # read by every snapshot; the property is Python code
        self.sources: dict[str, SourceState] = {}
        self.active: SourceState | None = None
        self.trades = RollingTrades(windows)
        self.stale_after_ns = stale_after_ns

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
        """Make :meth:`selected` the active source (a write: the engine's ``advance``)."""
        self.active = self.selected(now_ns)
        return self.active

    def selected(self, now_ns: int) -> SourceState | None:
        """The highest-priority source heard from within the limit and not reported down
        (else the freshest)."""
        if len(self.sources) < 2:
            return self.active
        best: SourceState | None = None
        for state in self.sources.values():
            if not state.has_price or state.down or now_ns - state.ts_recv > self.stale_after_ns:
                continue
            if best is None or state.priority > best.priority:
                best = state
        if best is None:
            fresh = [s for s in self.sources.values() if s.has_price]
            best = max(fresh, key=lambda s: s.ts_recv, default=self.active)
        return best
