"""Premium and liquidity analytics: the read side (O(1) per pair, never writes).

The rolling windows are kept up to date by the writer (``Analytics.advance``, once a
second), so a read takes each statistic from its window's running sums: the windows end
at the last complete second folded in, and the z-score compares the premium now with
them. Prices, sessions and the source in use are read as of ``now``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final, NamedTuple

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
    WindowAttribution,
)
from monitor.core.attribution import Mids, attribute
from monitor.core.events import NS_PER_SECOND
from monitor.core.premium import Premiums, Prices
from monitor.core.reference import NOT_TRADING
from monitor.core.state import SourceState
from monitor.core.tuple_view import finite, make_view

NAN: Final = float("nan")
NS: Final = NS_PER_SECOND
EPOCH: Final = date(1970, 1, 1)
BASES: Final = ("mid", "buy_hk_sell_us", "buy_us_sell_hk")


class SessionView(NamedTuple):
    """What a pair's legs contribute to its premium now, and its analytics.

    ``us``/``hk``/``fx`` are (mid, bid, ask): a closed venue's official close where it has
    one, else the leg's latest prices; ``live`` is True when both equity venues trade.
    """

    us: Prices
    hk: Prices
    fx: Prices
    live: bool
    analytics: PairAnalytics
    premiums: Premiums  # of these prices, with the ratio and costs of the day


Sources = tuple[SourceState | None, SourceState | None, SourceState | None]
"""The (us, hk, fx) sources in use of one pair at one instant (None: a leg has none)."""


class AnalyticsReader:
    """Builds :class:`SessionView` views from the analytics state (read only, O(1))."""

    def __init__(self, state: AnalyticsState) -> None:
        self.state = state
        self.settings: AnalyticsSettings = state.settings
        self._fx_starts: dict[tuple[str, int], float] = {}  # its own cache (FX is shared)
        self._days: dict[str, tuple[int, tuple[DayMark, ...]]] = {}  # pair -> version, marks
        self._phases: tuple[int, dict[str, str]] = (-1, {})  # venue -> phase, at one instant

    def pair_view(
        self, name: str, now_ns: int, stale: bool, sources: Sources | None = None
    ) -> SessionView:
        """The pair's session-aware leg prices, whether both venues trade, and its analytics;
        ``sources``: the (us, hk, fx) sources in use at ``now_ns``, if the caller has them."""
        t = self.state.pairs[name]
        phases = self._phases_at(t, now_ns)
        us_phase, hk_phase, fx_phase = phases[t.us.venue], phases[t.hk.venue], phases[t.fx.venue]
        live = us_phase not in NOT_TRADING and hk_phase not in NOT_TRADING
        idle = us_phase in NOT_TRADING and hk_phase in NOT_TRADING
        if sources is None:
            sources = (
                t.us.state.selected(now_ns),
                t.hk.state.selected(now_ns),
                t.fx.state.selected(now_ns),
            )
        us_src, hk_src, fx_src = sources
        us_p = t.us.prices(us_phase, *_current(us_src))
        hk_p = t.hk.prices(hk_phase, *_current(hk_src))
        fx_p = _current(fx_src)
        legs = (
            _leg_basis(t.us, us_src, us_phase, us_p, now_ns),
            _leg_basis(t.hk, hk_src, hk_phase, hk_p, now_ns),
            _leg_basis(t.fx, fx_src, fx_phase, fx_p, now_ns),
        )
        calc = t.calculator.at(now_ns)
        premiums = calc.premiums(us_p, hk_p, fx_p)
        current = None if stale or idle else premiums
        us_windows = self._leg_windows(t.us)
        hk_windows = self._leg_windows(t.hk)
        now_mids = (us_p[0], hk_p[0], fx_p[0], calc.ratio)
        view = make_view(
            PairAnalytics,
            (
                "live" if live else "reference",
                legs,
                self._premium_windows(t, current),
                self._half_life(t),
                self._day_marks(t),
                self._instrument(t, t.us, us_src, us_windows),
                self._instrument(t, t.hk, hk_src, hk_windows),
                _shares(us_windows, hk_windows),
                self._attribution(t, now_mids),
            ),
        )
        return make_view(SessionView, (us_p, hk_p, fx_p, live, view, premiums))

    def _phases_at(self, t: PairTracker, now_ns: int) -> dict[str, str]:
        """Every venue's phase at ``now_ns``, looked up once per instant (a snapshot asks
        for the same few venues for each of its pairs)."""
        at, phases = self._phases
        if at != now_ns:
            phase = t.clock.phase
            phases = {venue: phase(venue, now_ns) for venue in self.state.venues}
            self._phases = (now_ns, phases)
        return phases

    def _attribution(self, t: PairTracker, now: Mids) -> tuple[WindowAttribution, ...]:
        """Per window: the mid premium's move from the legs' mids when it started to now."""
        us, hk = t.us.windows, t.hk.windows
        assert us is not None and hk is not None
        end = t.windows.end
        out = []
        for i, (label, seconds) in enumerate(self.settings.windows):
            start_second = end - seconds
            start = (
                us.start_mid(i),
                hk.start_mid(i),
                self._fx_start(t, start_second),
                t.calculator.at(start_second * NS).ratio,
            )
            out.append(make_view(WindowAttribution, (label, seconds, attribute(start, now))))
        return tuple(out)

    def _fx_start(self, t: PairTracker, second: int) -> float:
        key = (t.fx.state.instrument.symbol, second)
        mid = self._fx_starts.get(key)
        if mid is None:
            if len(self._fx_starts) > 4096:
                self._fx_starts.clear()
            mid = self._fx_starts[key] = t.fx.mid_at(second)
        return mid

    def _day_marks(self, t: PairTracker) -> tuple[DayMark, ...]:
        """:func:`_days`, kept while the pair's daily records do not change."""
        if t.closes:  # a close moved in the pending second: shown already, not kept
            return _days(t)
        name = t.pair.name
        kept = self._days.get(name)
        if kept is None or kept[0] != t.days_version:
            kept = self._days[name] = (t.days_version, _days(t))
        return kept[1]

    # ------------------------------------------------------------------ windows
    def _premium_windows(
        self, t: PairTracker, current: Premiums | None
    ) -> tuple[PremiumWindow, ...]:
        s = self.settings
        least = max(s.min_samples, 1)
        windows = s.windows
        moments, runs = t.windows.moments, t.windows.runs
        out = []
        for index, basis in enumerate(BASES):
            now = None if current is None else finite(current[index])
            run, executable = runs[index], index > 0
            for w, (label, seconds) in enumerate(windows):
                m = moments[w][index]
                n = m.n
                if n < least:
                    out.append(make_view(PremiumWindow, (basis, label, seconds, n, *NO_STATS)))
                    continue
                mean, std, z = m.read(run, now)
                share = m.positive / n if executable else None
                out.append(
                    make_view(PremiumWindow, (basis, label, seconds, n, mean, std, z, share))
                )
        return tuple(out)

    def _half_life(self, t: PairTracker) -> HalfLife | None:
        s = self.settings
        fit = t.windows.ar1_fit(s.min_samples)
        if fit is None:
            return None
        return make_view(
            HalfLife,
            (
                s.half_life_window_seconds, fit.samples, fit.coefficient, fit.stderr,
                fit.half_life, fit.half_life_low, fit.half_life_high,
            ),
        )  # fmt: skip

    def _leg_windows(self, leg: LegTracker) -> tuple[InstrumentWindow, ...]:
        w = leg.windows
        assert w is not None
        out = []
        for i, (label, seconds) in enumerate(self.settings.windows):
            volatility, amihud, spread, turnover = w.read(i)
            out.append(
                make_view(InstrumentWindow, (label, seconds, volatility, amihud, spread, turnover))
            )
        return tuple(out)

    # ------------------------------------------------------------------ instruments
    def _instrument(
        self,
        t: PairTracker,
        leg: LegTracker,
        src: SourceState | None,
        windows: tuple[InstrumentWindow, ...],
    ) -> InstrumentAnalytics:
        imbalance = None
        if src is not None and src.has_quote:
            depth = src.bid_size + src.ask_size
            if depth > 0:
                imbalance = (src.bid_size - src.ask_size) / depth
        close = leg.close
        has_close = close is not None and close.price == close.price
        return make_view(
            InstrumentAnalytics,
            (
                leg.state.instrument.symbol,
                leg.venue,
                imbalance,
                close.price if close is not None and has_close else None,
                close.ts if close is not None and has_close else None,
                windows,
                _trade_costs(t, leg, src, self.settings.trade_notional_usd),
            ),
        )


def _shares(
    us: tuple[InstrumentWindow, ...], hk: tuple[InstrumentWindow, ...]
) -> tuple[TurnoverShare, ...]:
    shares = []
    for i, u in enumerate(us):  # one per window in both
        us_usd, hk_usd = u.turnover_usd, hk[i].turnover_usd
        total = us_usd + hk_usd
        us_share = us_usd / total if total > 0 else None
        hk_share = hk_usd / total if total > 0 else None
        shares.append(make_view(TurnoverShare, (u.window, u.seconds, us_share, hk_share)))
    return tuple(shares)


NO_STATS: Final = (None, None, None, None)  # a premium window with too few samples


def _current(src: SourceState | None) -> Prices:
    if src is None or not src.has_price:
        return NAN, NAN, NAN
    return src.mid, src.exec_bid, src.exec_ask


def _leg_basis(
    leg: LegTracker, src: SourceState | None, phase: str, prices: Prices, now_ns: int
) -> LegBasis:
    kind = leg.kind(phase)
    ts: int | None = None
    if kind == "close" and leg.close is not None:
        ts = leg.close.ts
    elif src is not None and src.has_price:
        ts = src.ts_event
    age = None if ts is None else (now_ns - ts) / NS
    return make_view(LegBasis, (leg.state.instrument.symbol, kind, finite(prices[0]), ts, age))


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
        for day, open_, open_ts, close, close_ts in rows:
            marks.append(_day_mark(venue, day, open_, open_ts, close, close_ts))
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
    return make_view(
        DayMark,
        (
            venue,
            (EPOCH + timedelta(days=day)).isoformat(),
            finite(open_),
            open_ts or None,
            finite(close),
            close_ts or None,
        ),
    )


def _trade_costs(
    t: PairTracker, leg: LegTracker, src: SourceState | None, notional_usd: float
) -> tuple[TradeCost, ...]:
    usd = leg.usd_per_unit()
    if src is None or not src.has_quote or not usd == usd:
        return (
            make_view(TradeCost, ("buy", notional_usd, None, False, None, None, None)),
            make_view(TradeCost, ("sell", notional_usd, None, False, None, None, None)),
        )
    mid = src.mid
    hk_fees = _hk_fees_ratio(t, notional_usd, usd) if leg is t.hk else None  # either side
    costs = []
    for side in ("buy", "sell"):
        price, size = (src.ask, src.ask_size) if side == "buy" else (src.bid, src.bid_size)
        top = price * size * usd
        spread_cost = (price - mid) / mid if side == "buy" else (mid - price) / mid
        fees = hk_fees if hk_fees is not None else _us_fees_ratio(t, side, price, notional_usd)
        fillable = top >= notional_usd
        cost = spread_cost + fees if fillable else None
        costs.append(
            make_view(TradeCost, (side, notional_usd, top, fillable, spread_cost, fees, cost))
        )
    return tuple(costs)


def _hk_fees_ratio(t: PairTracker, notional_usd: float, usd: float) -> float:
    native = notional_usd / usd
    return t.pair.fees.hk_cost_hkd(native) / native


def _us_fees_ratio(t: PairTracker, side: str, price: float, notional_usd: float) -> float:
    fees = t.pair.fees
    shares = notional_usd / price
    if side == "buy":
        return fees.us_buy_cost_usd(shares) / notional_usd
    return fees.us_sell_cost_usd(shares, notional_usd) / notional_usd
