"""Per-second samples of each pair during a replay, taken from the real engine's snapshot.

:class:`SecondSampler` is an engine listener: at the first accepted event of every recorded
second it takes ``engine.snapshot(ts)`` and keeps, per pair, the three premium bases (as
the engine computes them: staleness, reference prices and costs included), the legs' mids,
sessions and quoted spreads. Trades are summed per instrument and minute into value
traded (price x size, in USD at the FX mid of that moment). Nothing is computed twice:
every premium number in the report is one the daemon would have served at that second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from monitor.core.engine import Engine
from monitor.core.events import NS_PER_SECOND, Event, Trade
from monitor.core.snapshot import LegView, PairView

SAMPLE_COLUMNS = (
    "ts", "pair", "basis", "mid", "buy_hk_sell_us", "buy_us_sell_hk", "us_mid", "hk_mid",
    "fx_mid", "ads_ratio", "us_open", "hk_open", "us_session", "hk_session", "us_spread",
    "hk_spread", "stale",
)  # fmt: skip
TRADE_COLUMNS = ("minute", "pair", "venue", "instrument", "turnover_usd", "trades")


def _spread(leg: LegView) -> float | None:
    return leg.liquidity.quoted_spread_ratio if leg.liquidity is not None else None


def _sample(ts: int, view: PairView) -> tuple[Any, ...]:
    p = view.premium
    return (
        ts, view.pair, view.basis, p.mid, p.buy_hk_sell_us, p.buy_us_sell_hk, view.us.mid,
        view.hk.mid, view.fx.mid, view.ads_ratio, view.us.market_open, view.hk.market_open,
        view.us.session, view.hk.session, _spread(view.us), _spread(view.hk), view.stale,
    )  # fmt: skip


@dataclass(slots=True)
class _Leg:
    pair: str
    venue: str
    currency: str
    instrument: str


@dataclass(slots=True)
class SecondSampler:
    """Engine listener; ``samples`` and ``trades`` are rows of the columns above."""

    engine: Engine
    samples: list[tuple[Any, ...]] = field(default_factory=list)
    trades: dict[tuple[int, str, str], list[float]] = field(default_factory=dict)
    _second: int = -1
    _fx: dict[str, float] = field(default_factory=dict)  # pair -> last FX mid seen
    _legs: dict[str, list[_Leg]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for ps in self.engine.pair_states:
            for leg in (ps.us, ps.hk):
                inst = leg.instrument
                self._legs.setdefault(inst.symbol, []).append(
                    _Leg(ps.pair.name, inst.venue, inst.currency, inst.symbol)
                )

    def __call__(self, event: Event) -> None:
        second = event.ts_event // NS_PER_SECOND
        if second != self._second:
            self._second = second
            snapshot = self.engine.snapshot(event.ts_event)
            for view in snapshot.pairs:
                self.samples.append(_sample(event.ts_event, view))
                if view.fx.mid is not None:
                    self._fx[view.pair] = view.fx.mid
        if type(event) is Trade:
            self._trade(event)

    def _trade(self, trade: Trade) -> None:
        minute = trade.ts_event // NS_PER_SECOND // 60 * 60
        for leg in self._legs.get(trade.instrument, ()):
            value = trade.price * trade.size
            if leg.currency != "USD":
                fx = self._fx.get(leg.pair)  # HKD per USD
                if fx is None or not math.isfinite(fx) or fx <= 0:
                    continue
                value /= fx
            bucket = self.trades.setdefault((minute, leg.pair, leg.instrument), [0.0, 0.0])
            bucket[0] += value
            bucket[1] += 1

    def trade_rows(self) -> list[tuple[Any, ...]]:
        venues = {leg.instrument: leg.venue for legs in self._legs.values() for leg in legs}
        return [
            (minute, pair, venues[inst], inst, value, int(count))
            for (minute, pair, inst), (value, count) in sorted(self.trades.items())
        ]


__all__ = ["SAMPLE_COLUMNS", "TRADE_COLUMNS", "SecondSampler"]
