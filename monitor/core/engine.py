"""The market engine: validates events, keeps state, computes premiums and liquidity.

``on_event`` is the hot path: no I/O, no logging, a few dictionary lookups and some
arithmetic per event. ``advance`` is the once-a-second write: source failover on
silence, expiry of the trade windows, the analytics' rolling windows. ``snapshot`` is a
pure read that builds the immutable view; the premium and the edges are computed there,
once per pair and read, by :mod:`monitor.core.premium` (their one owner).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Final, NamedTuple

from monitor.core import validation as v
from monitor.core.analytics import DEFAULT_ANALYTICS, Analytics, AnalyticsSettings
from monitor.core.analytics_view import PairAnalytics
from monitor.core.events import NS_PER_SECOND, Event, FxQuote, Quote, Trade
from monitor.core.instruments import Instrument, Pair
from monitor.core.liquidity import DEFAULT_WINDOWS
from monitor.core.premium import PremiumCalculator, Premiums, Prices
from monitor.core.sessions import SessionCalendar
from monitor.core.snapshot import (
    LegView,
    Liquidity,
    MarketSnapshot,
    PairView,
    PremiumView,
    WindowStats,
)
from monitor.core.state import InstrumentState, SourceState
from monitor.core.ticks import is_on_hkex_grid
from monitor.core.tuple_view import finite, make_view

EventListener = Callable[[Event], None]
NO_PREMIUM = PremiumView(None, None, None)
NAN: Final = float("nan")
INF: Final = float("inf")
GRID_MEMO_SIZE = 65_536  # HKEX grid verdicts of recent prices (prices repeat tick to tick)
CLOSE_GRACE_NS: Final = 15 * 60 * NS_PER_SECOND


class PairState:
    """One pair's legs and its premium calculator (the premium is computed when read)."""

    __slots__ = ("calculator", "fx", "hk", "pair", "stale_limits_ns", "us")

    def __init__(self, pair: Pair, us: InstrumentState, hk: InstrumentState, fx: InstrumentState):
        self.pair = pair
        self.us, self.hk, self.fx = us, hk, fx
        self.calculator = PremiumCalculator.of_pair(pair)  # ratio and fees of each day
        self.stale_limits_ns = tuple(  # us, hk, fx: how long each leg may stay silent
            int(pair.stale_limit_seconds(leg) * NS_PER_SECOND) for leg in pair.legs()
        )

    def live_prices(self, now_ns: int | None = None) -> tuple[Prices, Prices, Prices] | None:
        """(mid, bid, ask) of each leg's source in use (the active one, or the one
        selected at ``now_ns``); None while a leg has no price."""
        if now_ns is None:
            us, hk, fx = self.us.active, self.hk.active, self.fx.active
        else:
            us, hk, fx = (
                self.us.selected(now_ns),
                self.hk.selected(now_ns),
                self.fx.selected(now_ns),
            )
        if us is None or hk is None or fx is None:
            return None
        if not (us.has_price and hk.has_price and fx.has_price):
            return None
        return _prices(us), _prices(hk), _prices(fx)

    def premiums(self, ts_ns: int) -> Premiums | None:
        """(mid, buy_hk_sell_us, buy_us_sell_hk) from the active sources' prices, if any,
        with the ratio and costs in force on the day of ``ts_ns``."""
        prices = self.live_prices()
        return None if prices is None else self.calculator.at(ts_ns).premiums(*prices)


class _Leg:
    """What the hot path needs of one instrument, at hand: its state, the open price band
    (inside it a price needs no exact check) and the source it heard from last."""

    __slots__ = ("grid", "high", "last", "low", "state")

    def __init__(self, state: InstrumentState) -> None:
        self.state = state
        band = state.instrument.price_band
        self.low = 0.0 if band is None else max(band[0], 0.0)
        self.high = INF if band is None else band[1]
        self.grid = state.instrument.hkex_tick_grid
        self.last: SourceState | None = None


class Engine:
    """State of every instrument and pair; the only writer is :meth:`on_event`."""

    def __init__(
        self,
        pairs: Iterable[Pair],
        sessions: SessionCalendar,
        windows: Mapping[str, int] | None = None,
        priorities: Mapping[str, int] | None = None,
        max_future_skew_seconds: float = 5.0,
        analytics: AnalyticsSettings | None = DEFAULT_ANALYTICS,
    ) -> None:
        self.pairs = tuple(pairs)
        self.sessions = sessions
        windows = windows or DEFAULT_WINDOWS
        self.window_labels = tuple(windows.keys())
        self.window_seconds = tuple(windows.values())
        self._windows = tuple(zip(self.window_labels, self.window_seconds, strict=True))
        self.priorities = dict(priorities or {})
        self.max_skew_ns = int(max_future_skew_seconds * NS_PER_SECOND)
        self.instruments: dict[str, InstrumentState] = {}
        self.pair_states: list[PairState] = []
        self.rejects: dict[tuple[str, str], int] = {}
        self.flags: dict[tuple[str, str], int] = {}
        self.accepted_total = 0
        self.listeners: list[EventListener] = []
        self._legs: dict[str, _Leg] = {}  # the hot path's view of self.instruments
        self._venues: tuple[int, dict[str, _Venue]] = (-1, {})  # read side: per instant
        self._grid_memo: dict[float, bool] = {}
        for pair in self.pairs:
            legs = [self._add_instrument(pair, leg) for leg in pair.legs()]
            self.pair_states.append(PairState(pair, *legs))
        self.analytics: Analytics | None = None  # premium and liquidity statistics (issue 7)
        if analytics is not None:
            self.analytics = Analytics(self.pair_states, self.instruments, sessions, analytics)
            self.listeners.append(self.analytics.on_event)

    def _add_instrument(self, pair: Pair, instrument: Instrument) -> InstrumentState:
        state = self.instruments.get(instrument.symbol)
        if state is None:
            limit = int(pair.stale_limit_seconds(instrument) * NS_PER_SECOND)
            state = InstrumentState(instrument, self.window_seconds, limit)
            self.instruments[instrument.symbol] = state
            self._legs[instrument.symbol] = _Leg(state)
            self.sessions.register(instrument.symbol, instrument.venue)
        return state

    # ------------------------------------------------------------------ hot path
    def on_event(self, event: Event) -> bool:
        """Apply one event; return False (and count the reason) if it was rejected.

        The common case (a valid, in-order quote from the source heard last, whose
        prices are known to be on the grid where there is one) is applied inline; any
        other event takes the exact path, which names the reason of a rejection.
        """
        leg = self._legs.get(event.instrument)
        if type(event) is Quote and leg is not None:
            bid, ask, ts = event.bid, event.ask, event.ts_event
            bid_size, ask_size, src = event.bid_size, event.ask_size, leg.last
            if (
                leg.low < bid <= ask < leg.high  # NaN fails every comparison
                and 0.0 <= bid_size < INF
                and 0.0 <= ask_size < INF
                and src is not None
                and src.source == event.source
                and src.quote_ts <= ts
                and (ts <= event.ts_recv or ts - event.ts_recv <= self.max_skew_ns)
                and (not leg.grid or (self._grid_memo.get(bid) and self._grid_memo.get(ask)))
            ):
                # SourceState.set_quote, inlined (tests/unit/core/test_engine_fast_path.py)
                src.bid, src.ask, src.bid_size, src.ask_size = bid, ask, bid_size, ask_size
                src.exec_bid, src.exec_ask = bid, ask
                src.mid = (bid + ask) * 0.5
                src.has_quote = src.has_price = True
                src.quote_ts = ts
                if ts > src.ts_event:
                    src.ts_event = ts
                src.ts_recv = event.ts_recv
                if leg.state.active is not src:
                    leg.state.consider(src, event.ts_recv)
                self.accepted_total += 1
                for listener in self.listeners:
                    listener(event)
                return True
        return self._apply(leg, event)

    def _apply(self, leg: _Leg | None, event: Event) -> bool:
        if leg is None:
            self._reject(event.instrument, v.UNKNOWN_INSTRUMENT)
            return False
        if event.ts_event - event.ts_recv > self.max_skew_ns:
            reason: str | None = v.FUTURE_TIMESTAMP  # v.check_time, inlined
        elif type(event) is Quote:
            reason = self._apply_quote(leg, event, event.bid_size, event.ask_size, True)
        elif type(event) is Trade:
            reason = self._apply_trade(leg, event)
        else:
            reason = self._apply_quote(leg, event, NAN, NAN, False)  # type: ignore[arg-type]
        if reason is not None:
            self._reject(event.instrument, reason)
            return False
        self.accepted_total += 1
        for listener in self.listeners:
            listener(event)
        return True

    def _apply_quote(
        self,
        leg: _Leg,
        q: Quote | FxQuote,
        bid_size: float,
        ask_size: float,
        sized: bool,
    ) -> str | None:
        bid, ask = q.bid, q.ask
        # Common case in one chained comparison (NaN fails every comparison); anything else
        # takes the exact checks, which name the reason.
        if not (
            leg.low < bid <= ask < leg.high
            and (not sized or (0.0 <= bid_size < INF and 0.0 <= ask_size < INF))
        ):
            reason = self._quote_reason(leg.state.instrument, q, bid_size, ask_size, sized)
            if reason is not None:
                return reason
        src = leg.last
        if src is None or src.source != q.source:
            src = self._source(leg, q.source)
        if q.ts_event < src.quote_ts:
            return v.OUT_OF_ORDER
        if leg.grid:
            memo = self._grid_memo
            if not (
                (memo.get(bid) or self._on_grid(bid)) and (memo.get(ask) or self._on_grid(ask))
            ):
                self._flag(leg.state.instrument.symbol, "off_tick_grid")
        src.set_quote(bid, ask, bid_size, ask_size)
        src.quote_ts = q.ts_event
        if q.ts_event > src.ts_event:
            src.ts_event = q.ts_event
        src.ts_recv = q.ts_recv
        state = leg.state
        if state.active is not src:
            state.consider(src, q.ts_recv)
        return None

    @staticmethod
    def _quote_reason(
        instrument: Instrument, q: Quote | FxQuote, bid_size: float, ask_size: float, sized: bool
    ) -> str | None:
        if not sized:  # FX quotes carry no sizes
            reason = v.check_price(q.bid, instrument) or v.check_price(q.ask, instrument)
            if reason is None and q.bid > q.ask:
                reason = v.CROSSED_BOOK
            return reason
        return v.check_book(q.bid, q.ask, bid_size, ask_size, instrument)

    def _apply_trade(self, leg: _Leg, t: Trade) -> str | None:
        price, size = t.price, t.size
        if not (leg.low < price < leg.high and 0.0 <= size < INF):
            instrument = leg.state.instrument
            reason = v.check_price(price, instrument) or v.check_size(size)
            if reason is not None:
                return reason
        if leg.grid and not self._on_grid(price):
            self._flag(leg.state.instrument.symbol, "off_tick_grid")
        state = leg.state
        src = leg.last
        if src is None or src.source != t.source:
            src = self._source(leg, t.source)
        if t.ts_event >= src.trade_ts:
            src.set_last(price, size)
            src.trade_ts = t.ts_event
            if t.ts_event > src.ts_event:
                src.ts_event = t.ts_event
        if t.ts_recv > src.ts_recv:
            src.ts_recv = t.ts_recv
        if state.active is not src:
            state.consider(src, t.ts_recv)
        if src is state.active and size > 0.0:
            state.trades.add(t.ts_event // NS_PER_SECOND, size, price)
        return None

    def _source(self, leg: _Leg, name: str) -> SourceState:
        """The state of source ``name``, kept at hand as the one heard last."""
        src = leg.last = leg.state.source(name, self.priorities.get(name, 0))
        return src

    def _on_grid(self, price: float) -> bool:
        known = self._grid_memo.get(price)
        if known is None:
            if len(self._grid_memo) >= GRID_MEMO_SIZE:
                self._grid_memo.clear()  # bounded: memory stays flat
            known = self._grid_memo[price] = is_on_hkex_grid(price)
        return known

    def _reject(self, instrument: str, reason: str) -> None:
        key = (instrument, reason)
        self.rejects[key] = self.rejects.get(key, 0) + 1

    def _flag(self, instrument: str, reason: str) -> None:
        key = (instrument, reason)
        self.flags[key] = self.flags.get(key, 0) + 1

    def set_source_down(self, source: str, down: bool) -> None:
        """Note that the feed ``source`` reported itself down (or up again): its legs are
        stale at once, and the others of their instruments are preferred (not per event)."""
        for state in self.instruments.values():
            src = state.sources.get(source)
            if src is not None:
                src.down = down

    # ------------------------------------------------------------------ clock
    def advance(self, now_ns: int) -> None:
        """Move time on to ``now_ns`` (once a second): fail over from silent sources,
        expire the trade windows, fold the analytics' rolling windows."""
        for _ in self.advance_steps(now_ns):
            pass

    def advance_steps(self, now_ns: int) -> Iterator[None]:
        """:meth:`advance` in small steps (one per instrument or pair), so that a caller on
        the event loop can let events in between; events may arrive between steps."""
        second = now_ns // NS_PER_SECOND
        for state in self.instruments.values():
            state.reselect(now_ns)
            state.trades.advance(second)
            yield
        if self.analytics is not None:
            yield from self.analytics.advance_steps(now_ns)

    # ------------------------------------------------------------------ read side
    def snapshot(self, now_ns: int) -> MarketSnapshot:
        """The read-side view of every pair at ``now_ns`` (pure: it changes no state, and
        only keeps what an instant has in common, such as each venue's session)."""
        views = tuple(self.pair_view(ps, now_ns) for ps in self.pair_states)
        return MarketSnapshot(as_of=now_ns, pairs=views, rejects=dict(self.rejects))

    def pair_view(self, ps: PairState, now_ns: int) -> PairView:
        """The read-side view of one pair at ``now_ns`` (pure)."""
        pair = ps.pair
        venues = self._venues_at(now_ns)
        us_state, hk_state, fx_state = ps.us, ps.hk, ps.fx
        us_limit, hk_limit, fx_limit = ps.stale_limits_ns
        sources = (us_state.selected(now_ns), hk_state.selected(now_ns), fx_state.selected(now_ns))
        us_src, hk_src, fx_src = sources
        fx_mid = _fx_mid(fx_src)
        us = self._leg_view(us_state, us_src, venues, us_limit, now_ns, fx_mid)
        hk = self._leg_view(hk_state, hk_src, venues, hk_limit, now_ns, fx_mid)
        fx = self._leg_view(fx_state, fx_src, venues, fx_limit, now_ns, fx_mid)
        stale_reasons = tuple(
            [f"{leg.instrument}: {leg.stale_reason}" for leg in (us, hk, fx) if leg.stale]
        )
        prices: tuple[Prices, Prices, Prices] | None
        premiums: Premiums | None = None
        extra: PairAnalytics | None = None
        calc = ps.calculator.at(now_ns)  # issue 12: the ratio and costs of the day
        if self.analytics is None:
            prices = ps.live_prices(now_ns)
            live = us.session == "regular" and hk.session == "continuous"
        else:  # session-aware: a closed venue counts at its official close
            session = self.analytics.pair_view(pair.name, now_ns, bool(stale_reasons), sources)
            prices = (session.us, session.hk, session.fx)
            live, extra, premiums = session.live, session.analytics, session.premiums
        premium = NO_PREMIUM
        implied = pricing = None
        if not stale_reasons and prices is not None:
            mid, hk_us, us_hk = premiums or calc.premiums(*prices)
            premium = make_view(PremiumView, (finite(mid), finite(hk_us), finite(us_hk)))
            implied, pricing = finite(calc.implied_fx(prices[0][0], prices[1][0])), (calc, prices)
        return make_view(
            PairView,
            (
                pair.name,
                calc.ratio,
                us,
                hk,
                fx,
                premium,
                bool(stale_reasons),
                stale_reasons,
                "live" if live else "reference",
                now_ns,
                extra,
                implied,
                pair.ratio_unconfirmed,
                pricing,
            ),
        )

    def _venues_at(self, now_ns: int) -> dict[str, _Venue]:
        """Every venue's session at ``now_ns``, worked out once per instant (a snapshot
        asks for the same few venues for each of its pairs)."""
        at, venues = self._venues
        if at != now_ns:
            venues = {}
            for state in self.instruments.values():
                venue = state.instrument.venue
                if venue not in venues:
                    phase = self.sessions.phase(venue, now_ns)
                    last_close = None if phase.live else self.sessions.last_close(venue, now_ns)
                    venues[venue] = _Venue(phase.value, phase.trading, phase.live, last_close)
            self._venues = (now_ns, venues)
        return venues

    def _leg_view(
        self,
        state: InstrumentState,
        src: SourceState | None,
        venues: dict[str, _Venue],
        limit_ns: int,
        now_ns: int,
        fx_mid: float | None,
    ) -> LegView:
        """One leg's view, from ``src``: its source in use at ``now_ns``."""
        instrument = state.instrument
        venue = venues[instrument.venue]
        stale_reason = _stale_reason(src, venue, limit_ns, now_ns)
        liquidity = None
        if not state.is_fx:
            to_usd = 1.0 if instrument.currency == "USD" else _inverse(fx_mid)
            liquidity = self._liquidity(state, src, now_ns, to_usd)
        bid = ask = bid_size = ask_size = last = mid = None
        ts_event = ts_recv = source = None
        quoted = True
        if src is not None:
            quoted, source, last = src.has_quote, src.source, finite(src.last)
            if quoted:
                bid, ask, bid_size, ask_size = src.bid, src.ask, src.bid_size, src.ask_size
                total = bid + ask + bid_size + ask_size
                if total - total != 0.0:  # not all finite (NaN or infinite): check each
                    bid, ask = finite(src.bid), finite(src.ask)
                    bid_size, ask_size = finite(src.bid_size), finite(src.ask_size)
            if src.has_price:
                mid, ts_event, ts_recv = finite(src.mid), src.ts_event, src.ts_recv
        return make_view(
            LegView,
            (
                instrument.symbol, instrument.venue, instrument.currency,
                bid, ask, bid_size, ask_size, last, mid,
                "quote" if quoted else "last", ts_event, ts_recv, source,
                venue.session, venue.trading, not venue.live,
                stale_reason is not None, stale_reason, liquidity,
            ),
        )  # fmt: skip

    def _liquidity(
        self, state: InstrumentState, src: SourceState | None, now_ns: int, to_usd: float | None
    ) -> Liquidity:
        second = now_ns // NS_PER_SECOND
        spread = bid_depth = ask_depth = None
        if src is not None and src.has_quote:
            mid = src.mid
            spread = (src.ask - src.bid) / mid if mid > 0 else None
            if to_usd is not None:
                bid_depth = finite(src.bid * src.bid_size * to_usd)
                ask_depth = finite(src.ask * src.ask_size * to_usd)
        windows = []
        trades = state.trades
        for i, (label, seconds) in enumerate(self._windows):
            volume, turnover, count = trades.totals_at(i, second)
            windows.append(
                make_view(
                    WindowStats,
                    (
                        label,
                        seconds,
                        volume,
                        turnover,
                        turnover * to_usd if to_usd is not None else None,
                        count,
                        turnover / volume if volume > 0 else None,
                    ),
                )
            )
        return make_view(Liquidity, (spread, bid_depth, ask_depth, tuple(windows)))


class _Venue(NamedTuple):
    """A venue's session at one instant, as the legs' views show it."""

    session: str  # the phase's name
    trading: bool
    live: bool  # prices should stream (staleness limits apply); else the price is a reference
    last_close: int | None  # end of its last whole trading day (only looked up when closed)


def _stale_reason(src: SourceState | None, venue: _Venue, limit_ns: int, now_ns: int) -> str | None:
    if src is None or not src.has_price:
        return "no data"
    if venue.live:
        if src.down:
            return f"source {src.source} is down"
        silent = now_ns - src.ts_recv
        if silent > limit_ns:
            return f"silent for {silent // NS_PER_SECOND}s in session"
        return None
    # Closed venue: the price must come from the end of the last session. The closing
    # auction may bring no quote updates, so allow CLOSE_GRACE_NS before the close.
    last_close = venue.last_close
    if last_close is not None and src.ts_event < last_close - max(limit_ns, CLOSE_GRACE_NS):
        return "older than the last session close"
    return None


def _prices(src: SourceState) -> Prices:
    return src.mid, src.exec_bid, src.exec_ask


def _fx_mid(src: SourceState | None) -> float | None:
    if src is None or not src.has_price:
        return None
    return finite(src.mid)


def _inverse(value: float | None) -> float | None:
    return 1.0 / value if value else None
