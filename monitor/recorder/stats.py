"""Premium statistics of a replay, gathered by an engine listener (pure: no I/O).

For each pair, after every accepted event that moves it: the mid premium (first, last,
min, max, time-weighted mean), the best executable edge in each direction, how much of
the recorded time each edge was positive, and optionally one CSV line per update.
Time is the recorded (exchange) time of the event; staleness is not applied here, the
final snapshot applies it.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from typing import TextIO

from monitor.core.engine import Engine, PairState
from monitor.core.events import Event
from monitor.core.premium import Premiums
from monitor.recorder.format import format_number

SERIES_COLUMNS = (
    "ts", "pair", "mid", "buy_hk_sell_us", "buy_us_sell_hk", "us_mid", "hk_mid", "fx_mid",
)  # fmt: skip


@dataclass(slots=True)
class Extreme:
    """A value and the recorded time it was seen."""

    value: float
    ts: int


@dataclass(slots=True)
class EdgeStats:
    """The best value of one executable edge and the time it spent above zero."""

    best: Extreme | None = None
    positive_ns: int = 0
    positive_updates: int = 0

    def add(self, value: float, ts: int) -> None:
        if math.isnan(value):
            return
        if self.best is None or value > self.best.value:
            self.best = Extreme(value, ts)
        if value > 0:
            self.positive_updates += 1


@dataclass(slots=True)
class PairStats:
    """Everything gathered about one pair's premium during a replay."""

    pair: str
    updates: int = 0
    first: Extreme | None = None
    last: Extreme | None = None
    low: Extreme | None = None
    high: Extreme | None = None
    weighted_sum: float = 0.0  # mid * ns
    weighted_ns: int = 0
    buy_hk_sell_us: EdgeStats = field(default_factory=EdgeStats)
    buy_us_sell_hk: EdgeStats = field(default_factory=EdgeStats)
    _prev: tuple[float, float, float] | None = None  # (mid, hk->us, us->hk) until the next

    @property
    def time_weighted_mean(self) -> float | None:
        if self.weighted_ns <= 0:
            return None
        return self.weighted_sum / self.weighted_ns

    @property
    def span_ns(self) -> int:
        return self.last.ts - self.first.ts if self.first and self.last else 0

    def add(self, ts: int, mid: float, hk_us: float, us_hk: float) -> None:
        """Take the premiums in force from ``ts`` on."""
        self._close_interval(ts)
        self.updates += 1
        point = Extreme(mid, ts)
        if self.first is None:
            self.first = point
        self.last = point
        if self.low is None or mid < self.low.value:
            self.low = point
        if self.high is None or mid > self.high.value:
            self.high = point
        self.buy_hk_sell_us.add(hk_us, ts)
        self.buy_us_sell_hk.add(us_hk, ts)
        self._prev = (mid, hk_us, us_hk)

    def _close_interval(self, ts: int) -> None:
        if self._prev is None or self.last is None:
            return
        dt = ts - self.last.ts
        if dt <= 0:
            return
        mid, hk_us, us_hk = self._prev
        self.weighted_sum += mid * dt
        self.weighted_ns += dt
        if hk_us > 0:
            self.buy_hk_sell_us.positive_ns += dt
        if us_hk > 0:
            self.buy_us_sell_hk.positive_ns += dt


class PremiumTracker:
    """Engine listener: updates :class:`PairStats` (and writes the series) per accepted event."""

    def __init__(self, engine: Engine, series: TextIO | None = None) -> None:
        self.pairs = {ps.pair.name: PairStats(ps.pair.name) for ps in engine.pair_states}
        self._by_instrument: dict[str, list[PairState]] = {}
        for ps in engine.pair_states:
            for leg in (ps.us, ps.hk, ps.fx):
                self._by_instrument.setdefault(leg.instrument.symbol, []).append(ps)
        self._writer = csv.writer(series, lineterminator="\n") if series is not None else None
        if self._writer is not None:
            self._writer.writerow(SERIES_COLUMNS)

    def __call__(self, event: Event) -> None:
        for ps in self._by_instrument.get(event.instrument, ()):
            premiums = ps.premiums(event.ts_event)
            if premiums is None:  # some leg has no price yet
                continue
            self.pairs[ps.pair.name].add(event.ts_event, *premiums)
            if self._writer is not None:
                self._writer.writerow(_series_row(event.ts_event, ps, premiums))


def _series_row(ts: int, ps: PairState, premiums: Premiums) -> list[str]:
    legs = (ps.us.active, ps.hk.active, ps.fx.active)
    mids = [format_number(_finite(s.mid)) if s is not None else "" for s in legs]
    return [str(ts), ps.pair.name, *(format_number(_finite(v)) for v in premiums), *mids]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


__all__ = ["SERIES_COLUMNS", "EdgeStats", "Extreme", "PairStats", "PremiumTracker"]
