"""Premium and liquidity analytics: the state the writer keeps and the reader reads.

:class:`LegTracker` (one instrument: latest prices, per-second samples, turnover, official
close, its rolling windows) and :class:`PairTracker` (one pair: per-second premium
samples, the premium at each venue's open and close, its rolling windows) are written by
:class:`~monitor.core.analytics.Analytics` (events on the hot path, ``advance`` once a
second) and read by :class:`~monitor.core.analytics_read.AnalyticsReader`, which never
writes. Memory is bounded by the longest window (one entry per second with updates) and
the history.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Final, NamedTuple, Protocol

from monitor.core.analytics_windows import LegWindows, PairWindows, TradingMinute
from monitor.core.events import NS_PER_SECOND
from monitor.core.instruments import Pair
from monitor.core.premium import PremiumCalculator, Premiums, Prices
from monitor.core.reference import MINUTE_NS, NOT_TRADING, CloseTracker, SessionClock
from monitor.core.series import LastRing, SumRing
from monitor.core.sessions import Phase, SessionCalendar
from monitor.core.state import InstrumentState

NAN: Final = float("nan")
CLOSED: Final = Phase.CLOSED.value
DEFAULT_WINDOWS: tuple[tuple[str, int], ...] = (("5m", 300), ("1h", 3600), ("1d", 86_400))


class AnalyticsSettings(NamedTuple):
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
MINUTE_CACHE_LIMIT = 50_000


class TradingMinutes:
    """Whether a venue trades in an epoch minute, cached (the windows ask per minute)."""

    __slots__ = ("_cache", "clock")

    def __init__(self, clock: SessionClock) -> None:
        self.clock = clock
        self._cache: dict[tuple[str, int], bool] = {}

    def __call__(self, venue: str, minute: int) -> bool:
        key = (venue, minute)
        hit = self._cache.get(key)
        if hit is None:
            if len(self._cache) > MINUTE_CACHE_LIMIT:
                self._cache.clear()
            hit = self._cache[key] = self.clock.trading_in_minute(venue, minute)
        return hit

    def any_of(self, *venues: str) -> TradingMinute | None:
        """The trading flag of a series that counts while any of ``venues`` trades."""
        if self.clock.calendar.mode == "always_open":
            return None
        return lambda minute: any(self(venue, minute) for venue in venues)


class LegTracker:
    """One instrument's latest prices, per-second samples, turnover and official close."""

    __slots__ = (
        "ask",
        "awaits_price",
        "bid",
        "close",
        "fx",
        "has_quote",
        "live_day",
        "mid",
        "minute_end",
        "minute_start",
        "next_second_ns",
        "opening",
        "pairs",
        "pending",
        "quotes",
        "sealed",
        "state",
        "trades",
        "usd",
        "venue",
        "windows",
    )

    def __init__(
        self,
        state: InstrumentState,
        capacity: int,
        grace_seconds: float,
        make_windows: Callable[[LastRing, SumRing, str], LegWindows],
    ) -> None:
        instrument = state.instrument
        self.state = state
        self.venue = instrument.venue
        self.usd = instrument.currency == "USD"
        self.fx: LegTracker | None = None  # converts this line's currency to USD
        self.mid = self.bid = self.ask = NAN
        self.has_quote = False
        self.pending = -1  # the second whose sample is not written yet (-1: none)
        self.next_second_ns = 0  # (pending + 1) s in ns: an event from then on is a new second
        self.sealed = 0  # seconds before it are final (folded into the windows)
        # [start, end) in ns of the exchange-time minute of the latest phase lookup (none yet)
        self.minute_start, self.minute_end = -MINUTE_NS, 0
        self.live_day = -1  # venue-local day of the latest main session (continuous/regular)
        self.opening = False  # some pair still waits for this venue's opening premium
        self.awaits_price = False  # ... and can have it only once a leg has its first price
        self.pairs: list[PairTracker] = []
        equity = not instrument.is_fx
        self.quotes = LastRing(capacity, 2)  # mid, spread (FX: for the attribution's start)
        self.trades = SumRing(capacity) if equity else None  # USD turnover
        self.close = CloseTracker(self.venue, grace_seconds) if equity else None
        self.windows: LegWindows | None = None
        if self.trades is not None:
            self.windows = make_windows(self.quotes, self.trades, self.venue)

    def spread(self) -> float:
        """Quoted spread ratio of the stored prices (NaN without a two-sided quote)."""
        mid = self.mid
        return (self.ask - self.bid) / mid if self.has_quote and mid > 0 else NAN

    def flush(self) -> None:
        """Record the pending second's sample (the prices in force at its end)."""
        if self.pending >= 0:
            self.quotes.put(self.pending, self.mid, self.spread())

    def mid_at(self, second: int) -> float:
        """The mid in force at the end of ``second`` (NaN before the stored samples)."""
        quotes = self.quotes
        seq = quotes.seq_at(second)
        return NAN if seq < 0 else quotes.value_at(0, seq)

    def seal(self, second: int) -> None:
        """Write the pending sample if it is before ``second``; later events start there."""
        if 0 <= self.pending < second:
            self.flush()
            self.pending, self.next_second_ns = -1, 0
        self.sealed = max(self.sealed, second)

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
    calculator: PremiumCalculator
    us: InstrumentState
    hk: InstrumentState
    fx: InstrumentState


class PairTracker:
    """Per-second samples of the three premium bases of one pair, and its daily marks."""

    __slots__ = (
        "calculator",
        "clock",
        "closes",
        "days",
        "days_version",
        "fx",
        "hk",
        "open_day",
        "pair",
        "pending",
        "ring",
        "us",
        "windows",
    )

    def __init__(
        self,
        pair: Pair,
        calculator: PremiumCalculator,
        legs: tuple[LegTracker, LegTracker, LegTracker],
        clock: SessionClock,
        capacity: int,
        history_days: int,
        make_windows: Callable[[LastRing, str, str], PairWindows],
    ) -> None:
        self.pair = pair
        self.calculator = calculator
        self.us, self.hk, self.fx = legs
        self.clock = clock
        self.ring = LastRing(capacity, 3)
        self.pending = -1
        self.windows = make_windows(self.ring, self.us.venue, self.hk.venue)
        self.days: dict[str, deque[_Day]] = {
            self.us.venue: deque(maxlen=history_days),
            self.hk.venue: deque(maxlen=history_days),
        }
        self.days_version = 0  # moves on at every change of ``days`` (readers cache on it)
        self.open_day: dict[str, int] = {self.us.venue: -1, self.hk.venue: -1}
        self.closes: list[LegTracker] = []  # legs whose official close moved this second

    # ------------------------------------------------------------------ reads
    def stored_premiums(self, ts_ns: int) -> Premiums | None:
        """Session-aware premiums from the stored prices at ``ts_ns``; None when idle."""
        us, hk, fx = self.us, self.hk, self.fx
        us_phase = self.clock.phase(us.venue, ts_ns)
        hk_phase = self.clock.phase(hk.venue, ts_ns)
        if us_phase in NOT_TRADING and hk_phase in NOT_TRADING:
            return None
        return self.calculator.at(ts_ns).premiums(  # the ratio and costs of the day
            us.prices(us_phase, us.mid, us.bid, us.ask),
            hk.prices(hk_phase, hk.mid, hk.bid, hk.ask),
            (fx.mid, fx.bid, fx.ask),
        )

    def priced(self) -> bool:
        """Whether every leg has a price (stored; else no premium can be computed)."""
        return (
            self.us.mid == self.us.mid and self.hk.mid == self.hk.mid and self.fx.mid == self.fx.mid
        )

    def mid_premium(self, us: Prices, hk: Prices, ts_ns: int) -> float:
        """Mid premium from (mid, bid, ask) of the equity legs and the stored FX mid, with
        the ratio in force at ``ts_ns``."""
        return self.calculator.at(ts_ns).mid_of(us, hk, self.fx.mid)

    def close_mark(self, leg: LegTracker) -> tuple[int, float, int] | None:
        """(day, mid premium, time) at ``leg``'s latest official close, the other equity leg
        as it is there (the premium is NaN without prices); None when there is no close."""
        close = leg.close
        if close is None or close.price != close.price:
            return None
        other = self.hk if leg is self.us else self.us
        c = (close.price, close.price, close.price)
        phase = self.clock.phase(other.venue, close.ts)
        other_prices = other.prices(phase, other.mid, other.bid, other.ask)
        us, hk = (c, other_prices) if leg is self.us else (other_prices, c)
        return close.day, self.mid_premium(us, hk, close.ts), close.ts

    # ------------------------------------------------------------------ hot path
    def flush(self) -> None:
        """Record the pending second's sample (values in force at its end)."""
        second = self.pending
        end = (second + 1) * NS_PER_SECOND - 1
        values = self.stored_premiums(end)
        if values is None:
            self.ring.put(second, NAN, NAN, NAN)
        else:
            self.ring.put(second, *values)
        if self.closes:
            self.mark_closes()

    def seal(self, second: int) -> None:
        """Write the pending sample if it is before ``second`` (see :meth:`LegTracker.seal`)."""
        if 0 <= self.pending < second:
            self.flush()
            self.pending = -1

    def mark_closes(self) -> None:
        """Premium at the official close of each leg whose close moved (once a second)."""
        for leg in self.closes:
            self.mark_close(leg)
        self.closes.clear()

    def mark_open(self, leg: LegTracker, day: int, ts_ns: int) -> bool:
        """Keep the first premium of ``leg``'s live session on ``day``; True once kept."""
        if self.open_day[leg.venue] == day:
            return True
        us, hk = self.us, self.hk
        if us.mid != us.mid or hk.mid != hk.mid or self.fx.mid != self.fx.mid:
            return False  # a leg has no price yet: no premium to keep
        mid = self.mid_premium(
            us.prices(self.clock.phase(us.venue, ts_ns), us.mid, us.bid, us.ask),
            hk.prices(self.clock.phase(hk.venue, ts_ns), hk.mid, hk.bid, hk.ask),
            ts_ns,
        )
        if mid != mid:
            return False
        record = self._day(leg.venue, day)
        if record is not None:
            record.open, record.open_ts = mid, ts_ns
            self.days_version += 1
        self.open_day[leg.venue] = day
        return True

    def mark_close(self, leg: LegTracker) -> None:
        """Keep the premium at ``leg``'s (new) official close in its day's record."""
        mark = self.close_mark(leg)
        if mark is None:
            return
        day, mid, ts = mark
        record = self._day(leg.venue, day)
        if record is not None and mid == mid:
            record.close, record.close_ts = mid, ts
            self.days_version += 1

    def _day(self, venue: str, day: int) -> _Day | None:
        days = self.days[venue]
        if days and days[-1].day == day:
            return days[-1]
        if days and days[-1].day > day:
            return None  # late event of an earlier day
        record = _Day(day)
        days.append(record)
        self.days_version += 1
        return record


class AnalyticsState:
    """Every tracker of the configured pairs and instruments, and the session clock."""

    def __init__(
        self,
        pair_states: Iterable[PairLegs],
        instruments: Mapping[str, InstrumentState],
        sessions: SessionCalendar,
        settings: AnalyticsSettings,
    ) -> None:
        self.settings = settings
        self.clock = SessionClock(sessions, settings.us_overnight_session)
        self.minutes = TradingMinutes(self.clock)
        capacity = settings.horizon + 2
        grace = settings.us_close_grace_seconds
        self.legs = {
            symbol: LegTracker(state, capacity, grace, self._leg_windows)
            for symbol, state in instruments.items()
        }
        self.venues = tuple(dict.fromkeys(leg.venue for leg in self.legs.values()))
        self.pairs: dict[str, PairTracker] = {}
        history = settings.daily_history_days
        for ps in pair_states:
            us, hk, fx = (self.legs[s.instrument.symbol] for s in (ps.us, ps.hk, ps.fx))
            tracker = PairTracker(
                ps.pair,
                ps.calculator,
                (us, hk, fx),
                self.clock,
                capacity,
                history,
                self._pair_windows,
            )
            self.pairs[tracker.pair.name] = tracker
            for leg in (us, hk, fx):
                leg.pairs.append(tracker)
                if leg.fx is None and leg is not fx:
                    leg.fx = fx

    def _leg_windows(self, quotes: LastRing, trades: SumRing, venue: str) -> LegWindows:
        s = self.settings
        seconds = tuple(w for _, w in s.windows)
        trading = self.minutes.any_of(venue)
        return LegWindows(quotes, trades, trading, seconds, s.amihud_bucket_seconds)

    def _pair_windows(self, ring: LastRing, us_venue: str, hk_venue: str) -> PairWindows:
        s = self.settings
        seconds = tuple(w for _, w in s.windows)
        trading = self.minutes.any_of(us_venue, hk_venue)
        return PairWindows(ring, trading, seconds, s.half_life_window_seconds)


__all__ = [
    "DEFAULT_ANALYTICS",
    "AnalyticsSettings",
    "AnalyticsState",
    "LegTracker",
    "PairLegs",
    "PairTracker",
]
