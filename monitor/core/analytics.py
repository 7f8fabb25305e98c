"""Premium and liquidity analytics on the live stream: the write side (hot path).

:class:`Analytics` listens to every accepted event of the engine. Per event it does O(1)
work: it copies the changed leg's prices, records per-second samples lazily (a second's
sample is written when the next second's first event arrives, from the values in force
at the end of that second), adds a print's USD value to the per-second turnover, and
follows each venue's official close and the premium at each venue's open and close.
Memory is bounded by the longest window (one entry per second) and the daily history.
All window maths runs with numpy at read time (:mod:`monitor.core.analytics_read`).

Samples are bucketed by receive time (``ts_recv``, the clock ``snapshot(now)`` uses);
sessions, closes and opens by exchange time (``ts_event``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from monitor.core.analytics_read import AnalyticsReader
from monitor.core.analytics_view import PairAnalytics
from monitor.core.events import NS_PER_SECOND, Event, Trade
from monitor.core.instruments import Pair
from monitor.core.premium import edge_buy_hk_sell_us, edge_buy_us_sell_hk
from monitor.core.reference import LIVE, NOT_TRADING, CloseTracker, SessionClock
from monitor.core.series import LastRing, SumRing
from monitor.core.sessions import Phase, SessionCalendar
from monitor.core.state import InstrumentState

NAN = float("nan")
CLOSED = Phase.CLOSED.value
BASES = ("mid", "buy_hk_sell_us", "buy_us_sell_hk")
Prices = tuple[float, float, float]  # mid, bid, ask
DEFAULT_WINDOWS: tuple[tuple[str, int], ...] = (("5m", 300), ("1h", 3600), ("1d", 86_400))


@dataclass(frozen=True, slots=True)
class AnalyticsSettings:
    """Windows and parameters of the analytics (see ``docs/analytics.md``)."""

    windows: tuple[tuple[str, int], ...] = DEFAULT_WINDOWS
    half_life_window_seconds: int = 3600
    min_samples: int = 30
    trade_notional_usd: float = 100_000.0
    daily_history_days: int = 30
    us_close_grace_seconds: float = 2.0
    us_overnight_session: bool = False
    amihud_bucket_seconds: int = 60

    @classmethod
    def from_mapping(cls, windows: Mapping[str, int], **kwargs: object) -> AnalyticsSettings:
        """Build from a ``{label: seconds}`` mapping plus any other field."""
        return cls(windows=tuple(windows.items()), **kwargs)  # type: ignore[arg-type]

    @property
    def horizon(self) -> int:
        """Seconds of history every series must cover."""
        return max(max(s for _, s in self.windows), self.half_life_window_seconds)


DEFAULT_ANALYTICS = AnalyticsSettings()


class LegTracker:
    """One instrument's latest prices, per-second samples, turnover and official close."""

    __slots__ = (
        "ask",
        "bid",
        "close",
        "fx",
        "live_day",
        "mid",
        "pairs",
        "pending",
        "quotes",
        "spread",
        "state",
        "trades",
        "usd",
        "venue",
    )

    def __init__(self, state: InstrumentState, capacity: int, grace_seconds: float) -> None:
        instrument = state.instrument
        self.state = state
        self.venue = instrument.venue
        self.usd = instrument.currency == "USD"
        self.fx: LegTracker | None = None  # converts this line's currency to USD
        self.mid = self.bid = self.ask = self.spread = NAN
        self.pending = -1
        self.live_day = -1
        self.pairs: list[PairTracker] = []
        equity = not instrument.is_fx
        self.quotes = LastRing(capacity, 2) if equity else None  # mid, spread
        self.trades = SumRing(capacity) if equity else None  # USD turnover
        self.close = CloseTracker(self.venue, grace_seconds) if equity else None

    def advance(self, second: int) -> None:
        """Write the previous second's sample if a new second began, then copy the prices."""
        if second > self.pending:
            if self.pending >= 0 and self.quotes is not None:
                self.quotes.put(self.pending, self.mid, self.spread)
            self.pending = second
        src = self.state.active
        if src is None or not src.has_price:
            return
        self.mid = mid = src.mid
        self.bid, self.ask = src.exec_bid, src.exec_ask
        self.spread = (src.ask - src.bid) / mid if src.has_quote and mid > 0 else NAN

    def usd_per_unit(self) -> float:
        """USD per unit of this line's currency (NaN when the FX leg has no price)."""
        if self.usd:
            return 1.0
        fx_mid = self.fx.mid if self.fx is not None else NAN
        return 1.0 / fx_mid if fx_mid > 0 else NAN

    def close_usable(self) -> bool:
        """Whether the official close is today's reference (no live trading since it)."""
        close = self.close
        return close is not None and close.price == close.price and close.day >= self.live_day

    def kind(self, phase: str) -> str:
        """``live`` (trading), ``close`` (closed, official close known) or ``last``."""
        if phase == CLOSED and self.close_usable():
            return "close"
        return "last" if phase in NOT_TRADING else "live"

    def prices(self, phase: str, mid: float, bid: float, ask: float) -> Prices:
        """(mid, bid, ask) this leg contributes in ``phase`` given its latest prices."""
        if phase == CLOSED and self.close_usable():
            assert self.close is not None
            c = self.close.price
            return c, c, c
        return mid, bid, ask


class _Day:
    __slots__ = ("close", "close_ts", "day", "open", "open_ts")

    def __init__(self, day: int) -> None:
        self.day = day
        self.open = self.close = NAN
        self.open_ts = self.close_ts = 0


class PairLegs(Protocol):
    """What analytics needs of the engine's per-pair state."""

    pair: Pair
    us: InstrumentState
    hk: InstrumentState
    fx: InstrumentState


class PairTracker:
    """Per-second samples of the three premium bases of one pair, and its daily marks."""

    __slots__ = ("clock", "days", "fx", "hk", "open_day", "pair", "pending", "ring", "us")

    def __init__(
        self,
        pair: Pair,
        legs: tuple[LegTracker, LegTracker, LegTracker],
        clock: SessionClock,
        capacity: int,
        history_days: int,
    ) -> None:
        self.pair = pair
        self.us, self.hk, self.fx = legs
        self.clock = clock
        self.ring = LastRing(capacity, 3)
        self.pending = -1
        self.days: dict[str, deque[_Day]] = {
            self.us.venue: deque(maxlen=history_days),
            self.hk.venue: deque(maxlen=history_days),
        }
        self.open_day: dict[str, int] = {self.us.venue: -1, self.hk.venue: -1}

    # ------------------------------------------------------------------ maths
    def premiums(self, us: Prices, hk: Prices, fx: Prices) -> tuple[float, float, float]:
        """(mid, buy_hk_sell_us, buy_us_sell_hk) from (mid, bid, ask) of each leg."""
        pair = self.pair
        ratio = pair.ads_ratio
        if not (us[0] > 0 and hk[0] > 0 and fx[0] > 0):
            return NAN, NAN, NAN
        mid = (us[0] * fx[0] / ratio) / hk[0] - 1.0
        fees, notional = pair.fees, pair.edge_notional_usd
        a = edge_buy_hk_sell_us(us[1], hk[2], fx[1], ratio, fees, notional)
        b = edge_buy_us_sell_hk(us[2], hk[1], fx[2], ratio, fees, notional)
        return mid, a, b

    def stored_premiums(self, ts_ns: int) -> tuple[float, float, float] | None:
        """Session-aware premiums from the stored prices at ``ts_ns``; None when idle."""
        us, hk, fx = self.us, self.hk, self.fx
        us_phase = self.clock.phase(us.venue, ts_ns)
        hk_phase = self.clock.phase(hk.venue, ts_ns)
        if us_phase in NOT_TRADING and hk_phase in NOT_TRADING:
            return None
        return self.premiums(
            us.prices(us_phase, us.mid, us.bid, us.ask),
            hk.prices(hk_phase, hk.mid, hk.bid, hk.ask),
            (fx.mid, fx.bid, fx.ask),
        )

    # ------------------------------------------------------------------ hot path
    def flush(self) -> None:
        """Record the pending second's sample (values in force at its end)."""
        second = self.pending
        values = self.stored_premiums((second + 1) * NS_PER_SECOND - 1)
        if values is None:
            self.ring.put(second, NAN, NAN, NAN)
        else:
            self.ring.put(second, *values)

    def mark_open(self, leg: LegTracker, day: int, ts_ns: int) -> None:
        """Keep the first premium of ``leg``'s live session on ``day``."""
        if self.open_day[leg.venue] == day:
            return
        values = self.stored_premiums(ts_ns)
        if values is None or values[0] != values[0]:
            return
        record = self._day(leg.venue, day)
        if record is not None:
            record.open, record.open_ts = values[0], ts_ns
            self.open_day[leg.venue] = day

    def mark_close(self, leg: LegTracker, ts_ns: int) -> None:
        """Premium with ``leg`` at its (new) official close and the other legs as they are."""
        close = leg.close
        assert close is not None
        other = self.hk if leg is self.us else self.us
        c = (close.price, close.price, close.price)
        phase = self.clock.phase(other.venue, ts_ns)
        other_prices = other.prices(phase, other.mid, other.bid, other.ask)
        fx = (self.fx.mid, self.fx.bid, self.fx.ask)
        us, hk = (c, other_prices) if leg is self.us else (other_prices, c)
        mid = self.premiums(us, hk, fx)[0]
        record = self._day(leg.venue, close.day)
        if record is not None and mid == mid:
            record.close, record.close_ts = mid, close.ts

    def _day(self, venue: str, day: int) -> _Day | None:
        days = self.days[venue]
        if days and days[-1].day == day:
            return days[-1]
        if days and days[-1].day > day:
            return None  # late event of an earlier day
        record = _Day(day)
        days.append(record)
        return record


class Analytics:
    """Engine listener computing premium and liquidity analytics (see module docstring)."""

    def __init__(
        self,
        pair_states: Iterable[PairLegs],
        instruments: Mapping[str, InstrumentState],
        sessions: SessionCalendar,
        settings: AnalyticsSettings = DEFAULT_ANALYTICS,
    ) -> None:
        self.settings = settings
        self.clock = SessionClock(sessions, settings.us_overnight_session)
        capacity = settings.horizon + 2
        grace = settings.us_close_grace_seconds
        self.legs = {
            symbol: LegTracker(state, capacity, grace) for symbol, state in instruments.items()
        }
        self.pairs: dict[str, PairTracker] = {}
        for ps in pair_states:
            us, hk, fx = (self.legs[s.instrument.symbol] for s in (ps.us, ps.hk, ps.fx))
            history = settings.daily_history_days
            tracker = PairTracker(ps.pair, (us, hk, fx), self.clock, capacity, history)
            self.pairs[tracker.pair.name] = tracker
            for leg in (us, hk, fx):
                leg.pairs.append(tracker)
                if leg.fx is None and leg is not fx:
                    leg.fx = fx
        self.reader = AnalyticsReader(self)

    def pair_view(
        self, name: str, now_ns: int, stale: bool
    ) -> tuple[tuple[float, float, float] | None, bool, PairAnalytics]:
        """(session-aware premiums, None if stale; both venues trading; the analytics view)."""
        return self.reader.pair_view(name, now_ns, stale)

    def on_event(self, event: Event) -> None:
        """Apply one accepted event (called by the engine after it updated its state)."""
        leg = self.legs.get(event.instrument)
        if leg is None:
            return
        second = event.ts_recv // NS_PER_SECOND
        for pair in leg.pairs:
            if second > pair.pending:
                if pair.pending >= 0:
                    pair.flush()
                pair.pending = second
        leg.advance(second)
        if leg.close is None:
            return
        ts = event.ts_event
        phase, day = self.clock.lookup(leg.venue, ts)
        if phase in LIVE:
            leg.live_day = day
            for pair in leg.pairs:
                if pair.open_day[leg.venue] != day:
                    pair.mark_open(leg, day, ts)
        if type(event) is Trade:
            self._on_trade(leg, event, second)

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
                pair.mark_close(leg, trade.ts_event)
