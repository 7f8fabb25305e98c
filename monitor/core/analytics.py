"""Premium and liquidity analytics on the live stream: the write side.

:class:`Analytics` listens to every accepted event of the engine. Per event it does O(1)
work: it copies the changed leg's prices, records per-second samples lazily (a second's
sample is written when the next second's first event arrives, from the values in force
at the end of that second), adds a print's USD value to the per-second turnover, and
follows each venue's official close and the premium at each venue's open and close.
Once a second :meth:`Analytics.advance` writes the samples of the seconds that ended and
folds them into the rolling windows (:mod:`monitor.core.analytics_windows`, O(1) per
second). The state lives in :mod:`monitor.core.analytics_state`; the reader
(:mod:`monitor.core.analytics_read`) never writes.

Samples are bucketed by receive time (``ts_recv``, the clock ``snapshot(now)`` uses);
sessions, closes and opens by exchange time (``ts_event``). An event received after its
second was sealed by ``advance`` counts in the first open second.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from monitor.core.analytics_read import AnalyticsReader, SessionView, Sources
from monitor.core.analytics_state import (
    DEFAULT_ANALYTICS,
    AnalyticsSettings,
    AnalyticsState,
    LegTracker,
    PairLegs,
)
from monitor.core.events import NS_PER_SECOND, Event, Trade
from monitor.core.reference import MAIN_SESSION, MINUTE_NS
from monitor.core.sessions import SessionCalendar
from monitor.core.state import InstrumentState, SourceState


class Analytics:
    """Engine listener computing premium and liquidity analytics (see module docstring)."""

    def __init__(
        self,
        pair_states: Iterable[PairLegs],
        instruments: Mapping[str, InstrumentState],
        sessions: SessionCalendar,
        settings: AnalyticsSettings = DEFAULT_ANALYTICS,
    ) -> None:
        self.state = AnalyticsState(pair_states, instruments, sessions, settings)
        self.clock = self.state.clock
        self.legs = self.state.legs
        self.pairs = self.state.pairs
        self.reader = AnalyticsReader(self.state)

    def pair_view(
        self, name: str, now_ns: int, stale: bool, sources: Sources | None = None
    ) -> SessionView:
        """What the pair's legs contribute now and its analytics (a read: the reader's)."""
        return self.reader.pair_view(name, now_ns, stale, sources)

    def on_event(self, event: Event) -> None:
        """Apply one accepted event (called by the engine after it updated its state)."""
        leg = self.legs.get(event.instrument)
        if leg is None:
            return
        if event.ts_recv >= leg.next_second_ns:  # a later second than the pending one
            self._new_second(leg, event.ts_recv // NS_PER_SECOND)
        src = leg.state.active
        if src is not None:  # copy: the next second's first event flushes these values
            if leg.mid == leg.mid:
                leg.mid, leg.bid, leg.ask = src.mid, src.exec_bid, src.exec_ask
                leg.has_quote = src.has_quote
            else:  # no price yet
                self._first_price(leg, src)
        if leg.close is None:
            return
        ts = event.ts_event
        if not leg.minute_start <= ts < leg.minute_end:
            self._new_minute(leg, ts)
        if leg.opening:
            self._mark_opens(leg, ts)
        if type(event) is Trade:
            self._on_trade(leg, event, leg.pending)

    def advance(self, now_ns: int) -> None:
        """Write the samples of the seconds before ``now_ns``'s and fold them into every
        rolling window (which then end at the last complete second)."""
        for _ in self.advance_steps(now_ns):
            pass

    def advance_steps(self, now_ns: int) -> Iterator[None]:
        """:meth:`advance`, one step per line and per pair (events may come in between:
        they belong to ``now_ns``'s second or later, which no fold reads, and an event
        seals its line and pairs as a step would)."""
        second = now_ns // NS_PER_SECOND
        legs = self.legs.values()
        for leg in legs:
            leg.seal(second)
            yield
        for pair in self.pairs.values():
            pair.seal(second)
            yield
        end = second - 1
        for leg in legs:
            if leg.windows is not None:
                leg.windows.fold(end)
                yield
        for pair in self.pairs.values():
            pair.windows.fold(end)
            yield

    def _new_second(self, leg: LegTracker, second: int) -> None:
        # a pair's pending second is never behind its legs'
        second = max(second, leg.sealed)
        leg.flush()
        leg.pending, leg.next_second_ns = second, (second + 1) * NS_PER_SECOND
        for pair in leg.pairs:
            if second > pair.pending:
                if pair.pending >= 0:
                    pair.flush()
                pair.pending = second

    def _mark_opens(self, leg: LegTracker, ts: int) -> None:
        # Every pair is asked (each keeps its own opening premium); the leg stops asking
        # once all of them have it, and pauses while the only ones without it lack a
        # leg's price (a feed down, before its first tick): that leg's first price wakes
        # it (_first_price), so the premium is kept at the same event as if it had asked.
        opening = waiting = False
        day = leg.live_day
        for pair in leg.pairs:
            if not pair.mark_open(leg, day, ts):
                if pair.priced():
                    opening = True
                else:
                    waiting = True
        leg.opening, leg.awaits_price = opening, waiting

    def _first_price(self, leg: LegTracker, src: SourceState) -> None:
        leg.mid, leg.bid, leg.ask = src.mid, src.exec_bid, src.exec_ask
        leg.has_quote = src.has_quote
        if leg.mid != leg.mid:
            return
        for pair in leg.pairs:
            for other in (pair.us, pair.hk):
                if other.awaits_price:
                    other.awaits_price, other.opening = False, True

    def _new_minute(self, leg: LegTracker, ts: int) -> None:
        leg.minute_start = ts // MINUTE_NS * MINUTE_NS
        leg.minute_end = leg.minute_start + MINUTE_NS
        phase, day = self.clock.lookup(leg.venue, ts)
        if phase in MAIN_SESSION and day != leg.live_day:
            leg.live_day = day
            leg.opening = True

    def _on_trade(self, leg: LegTracker, trade: Trade, second: int) -> None:
        src = leg.state.active
        if src is None or src.source != trade.source:
            return  # only the source in use counts, as for the rolling turnover
        if trade.size > 0.0 and leg.trades is not None:
            value = trade.price * trade.size * leg.usd_per_unit()
            if value == value:
                leg.trades.add(second, value)
        assert leg.close is not None
        if leg.close.on_trade(trade.price, trade.ts_event, self.clock):
            for pair in leg.pairs:
                if leg not in pair.closes:
                    pair.closes.append(leg)


__all__ = ["DEFAULT_ANALYTICS", "Analytics", "AnalyticsSettings"]
