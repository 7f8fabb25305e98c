"""Premium and liquidity analytics: the read side (numpy over the per-second rings).

Each series is made dense over the longest horizon (one value per second up to ``now``),
seconds in which the venue (or, for a pair, both venues) did not trade are blanked, and
every window is a tail slice of that array. Results are cached per pair for one second
of ``now``, so frequent readers (scrapes, the API, alert rules) cost one computation.
The reader never writes the trackers it reads (its cache is its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from monitor.core import stats
from monitor.core.analytics_state import AnalyticsSettings, AnalyticsState, LegTracker, PairTracker
from monitor.core.analytics_view import (
    DayMark,
    HalfLife,
    InstrumentAnalytics,
    InstrumentWindow,
    LegBasis,
    PairAnalytics,
    PremiumWindow,
    TradeCost,
    TurnoverShare,
)
from monitor.core.events import NS_PER_SECOND
from monitor.core.premium import Prices
from monitor.core.reference import NOT_TRADING
from monitor.core.series import FloatArray, dense_sums, fill_positions, take

NAN = float("nan")
NS = NS_PER_SECOND
EPOCH = date(1970, 1, 1)
MINUTE_CACHE_LIMIT = 20_000
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class SessionView:
    """What a pair's legs contribute to its premium now, and its analytics.

    ``us``/``hk``/``fx`` are (mid, bid, ask): a closed venue's official close where it has
    one, else the leg's latest prices; ``live`` is True when both equity venues trade.
    """

    us: Prices
    hk: Prices
    fx: Prices
    live: bool
    analytics: PairAnalytics


@dataclass(frozen=True, slots=True)
class _Cached:
    second: int
    stale: bool
    windows: tuple[PremiumWindow, ...]
    half_life: HalfLife | None
    us: tuple[InstrumentWindow, ...]
    hk: tuple[InstrumentWindow, ...]
    shares: tuple[TurnoverShare, ...]


class AnalyticsReader:
    """Builds :class:`SessionView` views from the analytics state (read only)."""

    def __init__(self, state: AnalyticsState) -> None:
        self.state = state
        self.settings: AnalyticsSettings = state.settings
        self._cache: dict[str, _Cached] = {}
        self._minutes: dict[tuple[str, int], bool] = {}

    def pair_view(self, name: str, now_ns: int, stale: bool) -> SessionView:
        """The pair's session-aware leg prices, whether both venues trade, and its analytics."""
        t = self.state.pairs[name]
        clock = t.clock
        us_phase = clock.phase(t.us.venue, now_ns)
        hk_phase = clock.phase(t.hk.venue, now_ns)
        fx_phase = clock.phase(t.fx.venue, now_ns)
        live = us_phase not in NOT_TRADING and hk_phase not in NOT_TRADING
        us_p = t.us.prices(us_phase, *_current(t.us))
        hk_p = t.hk.prices(hk_phase, *_current(t.hk))
        fx_p = _current(t.fx)
        legs = (
            _leg_basis(t.us, us_phase, us_p, now_ns),
            _leg_basis(t.hk, hk_phase, hk_p, now_ns),
            _leg_basis(t.fx, fx_phase, fx_p, now_ns),
        )
        cached = self._stats(name, t, now_ns, stale)
        view = PairAnalytics(
            basis="live" if live else "reference",
            legs=legs,
            premium_windows=cached.windows,
            half_life=cached.half_life,
            days=_days(t),
            us=self._instrument(t, t.us, cached.us),
            hk=self._instrument(t, t.hk, cached.hk),
            turnover_shares=cached.shares,
        )
        return SessionView(us_p, hk_p, fx_p, live, view)

    # ------------------------------------------------------------------ windows
    def _stats(self, name: str, t: PairTracker, now_ns: int, stale: bool) -> _Cached:
        second = now_ns // NS
        hit = self._cache.get(name)
        if hit is not None and hit.second == second and hit.stale == stale:
            return hit
        s = self.settings
        start = second - s.horizon
        series = self._pair_series(t, start, second)
        windows = []
        for basis, x in zip(("mid", "buy_hk_sell_us", "buy_us_sell_hk"), series, strict=True):
            current = None if stale or not np.isfinite(x[-1]) else float(x[-1])
            for label, seconds in s.windows:
                xw = x[-seconds:]
                m = stats.moments(xw, s.min_samples)
                share = None if basis == "mid" else stats.positive_share(xw, s.min_samples)
                windows.append(
                    PremiumWindow(
                        basis, label, seconds, m.samples, m.mean, m.stddev,
                        stats.zscore(current, m), share,
                    )
                )  # fmt: skip
        fit = stats.ar1_fit(series[0][-s.half_life_window_seconds - 1 :], s.min_samples)
        half = None
        if fit is not None:
            half = HalfLife(
                s.half_life_window_seconds, fit.samples, fit.coefficient, fit.stderr,
                fit.half_life, fit.half_life_low, fit.half_life_high,
            )  # fmt: skip
        us_mid, us_spread, us_turn = self._leg_series(t.us, start, second)
        hk_mid, hk_spread, hk_turn = self._leg_series(t.hk, start, second)
        shares = []
        for label, seconds in s.windows:
            us_total, hk_total = float(us_turn[-seconds:].sum()), float(hk_turn[-seconds:].sum())
            total = us_total + hk_total
            shares.append(
                TurnoverShare(
                    label,
                    seconds,
                    us_total / total if total > 0 else None,
                    hk_total / total if total > 0 else None,
                )
            )
        cached = _Cached(
            second,
            stale,
            tuple(windows),
            half,
            self._leg_windows(us_mid, us_spread, us_turn),
            self._leg_windows(hk_mid, hk_spread, hk_turn),
            tuple(shares),
        )
        self._cache[name] = cached
        return cached

    def _leg_windows(
        self, mid: FloatArray, spread: FloatArray, turnover: FloatArray
    ) -> tuple[InstrumentWindow, ...]:
        s = self.settings
        out = []
        for label, seconds in s.windows:
            out.append(
                InstrumentWindow(
                    window=label,
                    seconds=seconds,
                    realized_volatility=stats.realized_volatility(mid[-seconds - 1 :]),
                    amihud_illiquidity=stats.amihud(
                        mid[-seconds - 1 :], turnover[-seconds:], s.amihud_bucket_seconds
                    ),
                    time_weighted_spread=stats.nan_mean(spread[-seconds:], 1),
                    turnover_usd=float(turnover[-seconds:].sum()),
                )
            )
        return tuple(out)

    def _pair_series(self, t: PairTracker, start: int, end: int) -> list[FloatArray]:
        secs, fields = t.ring.arrays()
        if t.pending > t.ring.last_second:
            values = t.stored_premiums((t.pending + 1) * NS - 1) or (NAN, NAN, NAN)
            secs = np.append(secs, t.pending)
            fields = [np.append(f, v) for f, v in zip(fields, values, strict=True)]
        mask = self._trading_mask((t.us.venue, t.hk.venue), start, end)
        pos = fill_positions(secs, start, end)
        out = []
        for f in fields:
            dense = take(f, pos)
            if mask is not None:
                dense[~mask] = NAN
            out.append(dense)
        return out

    def _leg_series(
        self, leg: LegTracker, start: int, end: int
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        assert leg.quotes is not None and leg.trades is not None
        secs, (mid, spread) = leg.quotes.arrays()
        if leg.pending > leg.quotes.last_second:
            secs = np.append(secs, leg.pending)
            mid, spread = np.append(mid, leg.mid), np.append(spread, leg.spread())
        pos = fill_positions(secs, start, end)
        dense_mid, dense_spread = take(mid, pos), take(spread, pos[1:])
        mask = self._trading_mask((leg.venue,), start, end)
        if mask is not None:
            dense_mid[~mask] = NAN
            dense_spread[~mask[1:]] = NAN
        tsecs, (turn,) = leg.trades.arrays()
        return dense_mid, dense_spread, dense_sums(tsecs, turn, start + 1, end)

    def _trading_mask(self, venues: tuple[str, ...], start: int, end: int) -> BoolArray | None:
        """Per second of ``start..end``: True if any of ``venues`` trades; None if always."""
        clock = self.state.clock
        if clock.calendar.mode == "always_open":
            return None
        first, last = start // 60, end // 60
        if len(self._minutes) > MINUTE_CACHE_LIMIT:
            self._minutes.clear()
        flags = np.zeros(last - first + 1, dtype=bool)
        for i, minute in enumerate(range(first, last + 1)):
            for venue in venues:
                key = (venue, minute)
                hit = self._minutes.get(key)
                if hit is None:
                    hit = self._minutes[key] = clock.trading_in_minute(venue, minute)
                if hit:
                    flags[i] = True
                    break
        seconds = np.arange(start, end + 1, dtype=np.int64)
        mask: BoolArray = flags[seconds // 60 - first]
        return mask

    # ------------------------------------------------------------------ instruments
    def _instrument(
        self, t: PairTracker, leg: LegTracker, windows: tuple[InstrumentWindow, ...]
    ) -> InstrumentAnalytics:
        src = leg.state.active
        imbalance = None
        if src is not None and src.has_quote:
            depth = src.bid_size + src.ask_size
            if depth > 0:
                imbalance = (src.bid_size - src.ask_size) / depth
        close = leg.close
        has_close = close is not None and close.price == close.price
        return InstrumentAnalytics(
            instrument=leg.state.instrument.symbol,
            venue=leg.venue,
            book_imbalance=imbalance,
            official_close=close.price if close is not None and has_close else None,
            official_close_ts=close.ts if close is not None and has_close else None,
            windows=windows,
            trade_costs=_trade_costs(t, leg, self.settings.trade_notional_usd),
        )


def _current(leg: LegTracker) -> Prices:
    src = leg.state.active
    if src is None or not src.has_price:
        return NAN, NAN, NAN
    return src.mid, src.exec_bid, src.exec_ask


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


def _leg_basis(leg: LegTracker, phase: str, prices: Prices, now_ns: int) -> LegBasis:
    kind = leg.kind(phase)
    src = leg.state.active
    ts: int | None = None
    if kind == "close" and leg.close is not None:
        ts = leg.close.ts
    elif src is not None and src.has_price:
        ts = src.ts_event
    return LegBasis(
        instrument=leg.state.instrument.symbol,
        kind=kind,
        price=_finite(prices[0]),
        ts=ts,
        age_seconds=None if ts is None else (now_ns - ts) / NS,
    )


def _days(t: PairTracker) -> tuple[DayMark, ...]:
    """Every venue's daily marks, oldest first per venue, with a close that moved in the
    pending second shown already (the writer records it at the next second, as here)."""
    marks: list[DayMark] = []
    for venue, records in t.days.items():
        rows = [(r.day, r.open, r.open_ts, r.close, r.close_ts) for r in records]
        moved = _moved_close(t, venue)
        if moved is not None:
            day, mid, ts = moved
            if rows and rows[-1][0] == day:
                _, opened, opened_ts, _, _ = rows[-1]
                rows[-1] = (day, opened, opened_ts, mid, ts)
            elif not rows or day > rows[-1][0]:  # a late close of an earlier day is ignored
                rows.append((day, NAN, 0, mid, ts))
                rows = rows[-(records.maxlen or len(rows)) :]
        marks.extend(_day_mark(venue, *row) for row in rows)
    marks.sort(key=lambda m: (m.date, m.venue))
    return tuple(marks)


def _moved_close(t: PairTracker, venue: str) -> tuple[int, float, int] | None:
    for leg in t.closes:
        if leg.venue == venue:
            mark = t.close_mark(leg)
            return mark if mark is not None and mark[1] == mark[1] else None
    return None


def _day_mark(
    venue: str, day: int, open_: float, open_ts: int, close: float, close_ts: int
) -> DayMark:
    return DayMark(
        venue=venue,
        date=(EPOCH + timedelta(days=day)).isoformat(),
        open_premium=_finite(open_),
        open_ts=open_ts or None,
        close_premium=_finite(close),
        close_ts=close_ts or None,
    )


def _trade_costs(t: PairTracker, leg: LegTracker, notional_usd: float) -> tuple[TradeCost, ...]:
    src = leg.state.active
    usd = leg.usd_per_unit()
    costs = []
    for side in ("buy", "sell"):
        if src is None or not src.has_quote or not usd == usd:
            costs.append(TradeCost(side, notional_usd, None, False, None, None, None))
            continue
        mid = src.mid
        price, size = (src.ask, src.ask_size) if side == "buy" else (src.bid, src.bid_size)
        top = price * size * usd
        spread_cost = (price - mid) / mid if side == "buy" else (mid - price) / mid
        fees = _fees_ratio(t, leg, side, price, notional_usd, usd)
        fillable = top >= notional_usd
        cost = spread_cost + fees if fillable else None
        costs.append(TradeCost(side, notional_usd, top, fillable, spread_cost, fees, cost))
    return tuple(costs)


def _fees_ratio(
    t: PairTracker, leg: LegTracker, side: str, price: float, notional_usd: float, usd: float
) -> float:
    fees = t.pair.fees
    if leg is t.hk:
        native = notional_usd / usd
        return fees.hk_cost_hkd(native) / native
    shares = notional_usd / price
    if side == "buy":
        return fees.us_buy_cost_usd(shares) / notional_usd
    return fees.us_sell_cost_usd(shares, notional_usd) / notional_usd
