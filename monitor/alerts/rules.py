"""Rule implementations: each turns a snapshot (and feed health) into observations.

Rules are pure (no I/O, no asyncio); those that need history (z-score, spread median,
turnover baseline, time since the last trade) keep it in memory, sampled at evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from monitor.alerts.model import Condition, Observation, classify
from monitor.alerts.rolling import SeriesBySubject
from monitor.alerts.text import bp, duration, pct, pct_bp, usd
from monitor.core.snapshot import LegView, MarketSnapshot, PairView
from monitor.feeds.base import FeedHealth
from monitor.settings.alerts import (
    EdgeRule,
    FeedDownRule,
    FxBandRule,
    NoTradesRule,
    PremiumChangeRule,
    PremiumRule,
    RuleBase,
    RuleConfig,
    SpreadRule,
    StaleLegRule,
    TurnoverRule,
    ZScoreRule,
)

NS = 1_000_000_000
DEFAULT_HYSTERESIS = 0.0005  # 5 bp
BASIS_LABEL = {
    "mid": "mid premium",
    "buy_hk_sell_us": "edge buy HK / sell US",
    "buy_us_sell_hk": "edge buy US / sell HK",
}
LEG_LABEL = {"us": "US", "hk": "HK", "fx": "FX"}


class Rule(Protocol):
    name: str

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]: ...


def _pairs(snapshot: MarketSnapshot, wanted: list[str]) -> Iterator[PairView]:
    return (p for p in snapshot.pairs if not wanted or p.pair in wanted)


def _leg(pv: PairView, leg: str) -> LegView:
    return pv.us if leg == "us" else pv.hk if leg == "hk" else pv.fx


class PremiumThreshold:
    """Premium (any basis) above or below a level, with a separate clear level."""

    def __init__(self, name: str, config: PremiumRule) -> None:
        self.name, self.config = name, config
        above = config.direction == "above"
        self.clear = config.clear
        if self.clear is None:
            self.clear = config.threshold - (DEFAULT_HYSTERESIS if above else -DEFAULT_HYSTERESIS)

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        above = c.direction == "above"
        assert self.clear is not None
        for pv in _pairs(snapshot, c.pairs):
            value = getattr(pv.premium, c.basis)
            if c.live_only and pv.basis != "live":
                cond = Condition.CLEAR
            elif value is None:
                cond = Condition.UNKNOWN
            else:
                cond = classify(value, c.threshold, self.clear, above)
            word, back = ("above", "back below") if above else ("below", "back above")
            yield Observation(
                subject=pv.pair,
                pair=pv.pair,
                condition=cond,
                value=value,
                threshold=c.threshold,
                text=f"{BASIS_LABEL[c.basis]} {pct_bp(value)}",
                trigger=f"{word} {pct_bp(c.threshold)}",
                clear_text=f"{back} {pct_bp(self.clear)}",
                labels={"basis": c.basis},
            )


class PremiumChange:
    """Premium moved by a given amount within a window: the current value against the
    lowest (a move up) and highest (a move down) value of the window before it."""

    def __init__(self, name: str, config: PremiumChangeRule) -> None:
        self.name, self.config = name, config
        self.clear = config.change / 2 if config.clear is None else config.clear
        self._series = SeriesBySubject(config.window_seconds, config.sample_seconds)

    def move(self, value: float, low: float, high: float) -> float:
        """The signed move that counts for the rule's direction."""
        up, down = max(0.0, value - low), min(0.0, value - high)
        if self.config.direction == "up":
            return up
        if self.config.direction == "down":
            return down
        return up if abs(up) >= abs(down) else down

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        window = duration(c.window_seconds)
        for pv in _pairs(snapshot, c.pairs):
            series = self._series.get(pv.pair, now_ns)
            value = getattr(pv.premium, c.basis)
            bounds = series.min_max()
            move, start = None, None
            cond = Condition.UNKNOWN
            if value is not None and bounds is not None:
                move = self.move(value, *bounds)
                start = value - move
                cond = classify(abs(move), c.change, self.clear, True)
            moved = "n/a" if move is None else f"{move * 10_000:+.0f} bp"
            path = "" if start is None else f" ({pct(start)} -> {pct(value)})"
            yield Observation(
                subject=pv.pair,
                pair=pv.pair,
                condition=cond,
                value=move,
                threshold=c.change,
                text=f"{BASIS_LABEL[c.basis]} moved {moved} within {window}{path}",
                trigger=f"by {c.change * 10_000:.0f} bp or more",
                clear_text=f"move back under {self.clear * 10_000:.0f} bp",
                labels={"basis": c.basis},
            )
            if value is not None:
                series.add(now_ns, value)


class EdgePositive:
    """Executable edge, net of costs, above a level (default zero) on a basis or either."""

    def __init__(self, name: str, config: EdgeRule) -> None:
        self.name, self.config = name, config
        self.clear = config.threshold - DEFAULT_HYSTERESIS if config.clear is None else config.clear

    def _best(self, pv: PairView) -> tuple[str, float | None]:
        if self.config.basis != "any":
            return self.config.basis, getattr(pv.premium, self.config.basis)
        options = [
            (b, v)
            for b, v in (
                ("buy_hk_sell_us", pv.premium.buy_hk_sell_us),
                ("buy_us_sell_hk", pv.premium.buy_us_sell_hk),
            )
            if v is not None
        ]
        if not options:
            return "buy_hk_sell_us", None
        return max(options, key=lambda bv: bv[1])

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        for pv in _pairs(snapshot, c.pairs):
            basis, value = self._best(pv)
            if c.live_only and pv.basis != "live":
                cond = Condition.CLEAR
            elif value is None:
                cond = Condition.UNKNOWN
            else:
                cond = classify(value, c.threshold, self.clear, True)
            ref = "" if pv.basis == "live" else " vs a closed venue's reference price"
            yield Observation(
                subject=pv.pair,
                pair=pv.pair,
                condition=cond,
                value=value,
                threshold=c.threshold,
                text=f"{BASIS_LABEL[basis]} {pct_bp(value)} net of costs{ref}",
                trigger=f"above {pct_bp(c.threshold)}",
                clear_text=f"back below {pct_bp(self.clear)}",
                labels={"basis": basis if c.basis == "any" else c.basis},
            )


class PremiumZScore:
    """Premium z-score against its rolling mean and deviation."""

    def __init__(self, name: str, config: ZScoreRule) -> None:
        self.name, self.config = name, config
        self._series = SeriesBySubject(config.window_seconds, config.sample_seconds)

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        for pv in _pairs(snapshot, c.pairs):
            series = self._series.get(pv.pair, now_ns)
            value = getattr(pv.premium, c.basis)
            stats = series.mean_std() if len(series) >= c.min_samples else None
            z = None
            if value is not None and stats is not None and stats[1] > 0:
                z = (value - stats[0]) / stats[1]
            yield self._observation(pv.pair, z, value, stats)
            if value is not None:
                series.add(now_ns, value)

    def _observation(
        self, pair: str, z: float | None, value: float | None, stats: tuple[float, float] | None
    ) -> Observation:
        c = self.config
        if z is None:
            cond = Condition.UNKNOWN
        else:
            signed = {"above": z, "below": -z, "both": abs(z)}[c.direction]
            cond = classify(signed, c.threshold, c.clear, True)
        window = duration(c.window_seconds)
        mean = f", {window} mean {pct(stats[0])}" if stats else ""
        z_text = "n/a" if z is None else f"{z:+.1f}"
        sign = {"above": "+", "below": "-", "both": "±"}[c.direction]
        return Observation(
            subject=pair,
            pair=pair,
            condition=cond,
            value=z,
            threshold=c.threshold,
            text=f"{BASIS_LABEL[c.basis]} z-score {z_text} ({pct_bp(value)}{mean})",
            trigger=f"beyond {sign}{c.threshold:.1f}",
            clear_text=f"back within {sign}{c.clear:.1f}",
            labels={"basis": c.basis},
        )


class StaleLeg:
    """A leg is stale while its venue is in session."""

    def __init__(self, name: str, config: StaleLegRule) -> None:
        self.name, self.config = name, config

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        for pv in _pairs(snapshot, self.config.pairs):
            for leg_name in self.config.legs:
                leg = _leg(pv, leg_name)
                active = leg.stale and leg.market_open
                silent = None if leg.ts_recv is None else (now_ns - leg.ts_recv) / NS
                if leg.stale:
                    state = f"stale: {leg.stale_reason or 'no fresh data'}"
                else:
                    state = "fresh" if silent is None else f"fresh (age {duration(silent)})"
                if not leg.market_open:
                    state += ", venue closed"
                yield Observation(
                    subject=f"{pv.pair}:{leg_name}",
                    pair=pv.pair,
                    condition=Condition.ACTIVE if active else Condition.CLEAR,
                    value=silent,
                    threshold=0.0,
                    text=f"{LEG_LABEL[leg_name]} leg {leg.instrument} {state}",
                    trigger=f"while {leg.venue} is in session",
                    clear_text="fresh again or venue closed",
                    labels={"leg": leg_name, "instrument": leg.instrument},
                )


class FeedDown:
    """A feed is not streaming."""

    def __init__(self, name: str, config: FeedDownRule) -> None:
        self.name, self.config = name, config

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        for h in feeds:
            if self.config.feeds and h.name not in self.config.feeds:
                continue
            silent = (now_ns - h.last_message_ns) / NS if h.last_message_ns else None
            last = "no message yet"
            if silent is not None:
                last = f"last message {duration(silent)} ago"
            reason = f" ({h.reason})" if h.reason else ""
            yield Observation(
                subject=f"feed:{h.name}",
                pair="",
                condition=Condition.CLEAR if h.up else Condition.ACTIVE,
                value=silent,
                threshold=0.0,
                text=f"feed {h.name} is {h.state.value}{reason}, {last}",
                trigger="not streaming",
                clear_text="streaming again",
                labels={"feed": h.name},
            )


class FxBand:
    """USD/HKD near or outside the convertibility band (one alert per FX instrument)."""

    def __init__(self, name: str, config: FxBandRule) -> None:
        self.name, self.config = name, config

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        seen: set[str] = set()
        for pv in _pairs(snapshot, c.pairs):
            fx = pv.fx
            if fx.instrument in seen:
                continue
            seen.add(fx.instrument)
            value = fx.mid
            cond = Condition.UNKNOWN
            where = "n/a"
            if value is not None and not fx.stale:
                distance = min(value - c.low, c.high - value)
                cond = Condition.HOLD
                if distance <= c.margin:
                    cond = Condition.ACTIVE
                elif distance > c.clear_margin:
                    cond = Condition.CLEAR
                side = "strong-side" if value - c.low < c.high - value else "weak-side"
                edge = c.low if side == "strong-side" else c.high
                if distance < 0:
                    where = f"outside the band, beyond the {side} limit {edge:.4f}"
                else:
                    where = f"{distance * 10_000:.0f} pips from the {side} limit {edge:.4f}"
            shown = "n/a" if value is None else f"{value:.4f}"
            yield Observation(
                subject=fx.instrument,
                pair=fx.instrument,
                condition=cond,
                value=value,
                threshold=c.margin,
                text=f"{fx.instrument} {shown}, {where}",
                trigger=f"within {c.margin * 10_000:.0f} pips of {c.low:.2f}-{c.high:.2f}",
                clear_text=f"more than {c.clear_margin * 10_000:.0f} pips inside the band",
                labels={"instrument": fx.instrument},
            )


class SpreadWide:
    """Quoted spread wider than a multiple of its rolling median, in session."""

    def __init__(self, name: str, config: SpreadRule) -> None:
        self.name, self.config = name, config
        self._series = SeriesBySubject(config.window_seconds, config.sample_seconds)

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        for pv in _pairs(snapshot, c.pairs):
            for leg_name in c.legs:
                leg = _leg(pv, leg_name)
                key = f"{pv.pair}:{leg_name}"
                series = self._series.get(key, now_ns)
                spread = leg.liquidity.quoted_spread_ratio if leg.liquidity else None
                live = leg.market_open and not leg.stale and spread is not None
                median = series.median() if len(series) >= c.min_samples else None
                multiple = None
                cond = Condition.CLEAR if not live else Condition.UNKNOWN
                if live and spread is not None and median:
                    multiple = spread / median
                    cond = classify(multiple, c.multiple, c.clear_multiple, True)
                med = "" if median is None else f" = {multiple or 0:.1f}x median {bp(median)}"
                yield Observation(
                    subject=key,
                    pair=pv.pair,
                    condition=cond,
                    value=multiple,
                    threshold=c.multiple,
                    text=f"{LEG_LABEL[leg_name]} {leg.instrument} spread {bp(spread)}{med}",
                    trigger=f"wider than {c.multiple:.1f}x median",
                    clear_text=f"back under {c.clear_multiple:.1f}x median",
                    labels={"leg": leg_name, "instrument": leg.instrument},
                )
                if live and spread is not None:
                    series.add(now_ns, spread)


class TurnoverSpike:
    """Turnover over a liquidity window above a multiple of its rolling median."""

    def __init__(self, name: str, config: TurnoverRule) -> None:
        self.name, self.config = name, config
        self._series = SeriesBySubject(config.baseline_seconds, config.sample_seconds)

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        for pv in _pairs(snapshot, c.pairs):
            for leg_name in c.legs:
                leg = _leg(pv, leg_name)
                key = f"{pv.pair}:{leg_name}"
                series = self._series.get(key, now_ns)
                value = _turnover(leg, c.window)
                median = series.median() if len(series) >= c.min_samples else None
                cond, multiple = Condition.UNKNOWN, None
                if value is not None and median is not None:
                    fire = max(c.multiple * median, c.min_turnover_usd)
                    clear = max(c.clear_multiple * median, c.min_turnover_usd * 0.5)
                    multiple = value / median if median > 0 else None
                    cond = classify(value, fire, clear, True)
                times = "" if multiple is None else f" = {multiple:.1f}x median {usd(median)}"
                yield Observation(
                    subject=key,
                    pair=pv.pair,
                    condition=cond,
                    value=value,
                    threshold=c.multiple,
                    text=f"{LEG_LABEL[leg_name]} {leg.instrument} {c.window} turnover "
                    f"{usd(value)}{times}",
                    trigger=f"above {c.multiple:.1f}x median (min {usd(c.min_turnover_usd)})",
                    clear_text=f"back under {c.clear_multiple:.1f}x median",
                    labels={"leg": leg_name, "instrument": leg.instrument, "window": c.window},
                )
                if value is not None and leg.market_open:
                    series.add(now_ns, value)


def _turnover(leg: LegView, window: str) -> float | None:
    if leg.liquidity is None:
        return None
    for w in leg.liquidity.windows:
        if w.window == window:
            return w.turnover_usd
    return None


class NoTrades:
    """No trade for N minutes while the venue is in session (possible halt).

    The last trade time is known to the resolution of the shortest liquidity window:
    a window with trades means a trade within that many seconds.
    """

    def __init__(self, name: str, config: NoTradesRule) -> None:
        self.name, self.config = name, config
        self._last_seen: dict[str, int] = {}

    def observe(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> Iterator[Observation]:
        c = self.config
        for pv in _pairs(snapshot, c.pairs):
            for leg_name in c.legs:
                leg = _leg(pv, leg_name)
                key = f"{pv.pair}:{leg_name}"
                idle = self._idle_seconds(key, leg, now_ns)
                cond = Condition.CLEAR
                if idle is not None and idle >= c.minutes * 60:
                    cond = Condition.ACTIVE
                what = f"venue not trading ({leg.session})"
                if idle is not None:
                    what = f"no trades for {duration(idle)} in session ({leg.session})"
                yield Observation(
                    subject=key,
                    pair=pv.pair,
                    condition=cond,
                    value=None if idle is None else idle / 60,
                    threshold=c.minutes,
                    text=f"{LEG_LABEL[leg_name]} {leg.instrument} {what}",
                    trigger=f"for {c.minutes:g} min",
                    clear_text="trading again or venue closed",
                    labels={"leg": leg_name, "instrument": leg.instrument},
                )

    def _idle_seconds(self, key: str, leg: LegView, now_ns: int) -> float | None:
        if not leg.market_open:
            self._last_seen.pop(key, None)
            return None
        windows = leg.liquidity.windows if leg.liquidity else ()
        shortest = min(windows, key=lambda w: w.seconds, default=None)
        if shortest is not None and shortest.trades > 0:
            self._last_seen[key] = now_ns
        last = self._last_seen.setdefault(key, now_ns)
        return (now_ns - last) / NS


RULE_CLASSES: Mapping[type[RuleBase], Callable[[str, Any], Rule]] = {
    PremiumRule: PremiumThreshold,
    PremiumChangeRule: PremiumChange,
    EdgeRule: EdgePositive,
    ZScoreRule: PremiumZScore,
    StaleLegRule: StaleLeg,
    FeedDownRule: FeedDown,
    FxBandRule: FxBand,
    SpreadRule: SpreadWide,
    TurnoverRule: TurnoverSpike,
    NoTradesRule: NoTrades,
}
"""The rule class of each rule config type."""


def build_rule(name: str, config: RuleConfig) -> Rule:
    """Instantiate the rule for ``config``."""
    rule_class = RULE_CLASSES.get(type(config))
    if rule_class is None:
        raise TypeError(f"unknown rule type for {name!r}")
    return rule_class(name, config)
