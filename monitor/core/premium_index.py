"""The dual-listing premium index: is New York rich or cheap to Hong Kong today?

In the spirit of the Hang Seng China AH Premium Index (an aggregate of A-share against
H-share value of the constituents, 100 = parity; docs/index.md cites the methodology),
with the ADS in place of the A share and the HK line in place of the H share:

    value = base * sum_i Q_i * E_i / sum_i Q_i * H_i

``H_i`` is the HK mid (HKD per share), ``E_i = H_i * (1 + p_i)`` the ADS mid in HKD per HK
share (``p_i`` the pair's mid premium, ``core/premium.py``) and ``Q_i`` the constituent's
index shares, fixed at each rebalance as ``Q_i = w_i / H_i`` so that the value at a
rebalance is ``base * (1 + sum_i w_i p_i)``; between rebalances weights drift with the HK
prices. A constituent without a premium right now (stale or missing leg) is left out of
both sums, so the value is the aggregate of those that have one.

Weights ``w_i``: HK turnover (USD, over a liquidity window) or a free-float market cap
given in the config, normalised, each at most ``max_weight`` (the excess is shared out
pro rata among the others); equal weights when no constituent has any turnover yet.
Rebalances: at each ``anchor + k * interval``, whenever a constituent that holds no
index shares has a price (a late constituent joins at once), and, under turnover
weighting, once more when the turnover window has filled since the start (weights made
from a partial window are provisional). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from monitor.core.events import NS_PER_SECOND
from monitor.core.index_view import ConstituentView, IndexView
from monitor.core.snapshot import MarketSnapshot, PairView


class IndexSettings(NamedTuple):
    """What the index needs to know (from ``index:`` in the config)."""

    name: str = "hk_us"
    weighting: str = "turnover"  # turnover or market_cap
    turnover_window: str = "1h"
    turnover_window_seconds: int = 0  # a rebalance before the window filled is provisional
    market_caps: Mapping[str, float] | None = None
    pairs: tuple[str, ...] = ()  # constituents; empty: every pair of the snapshot
    anchor_seconds: int = 8 * 3600 + 1800  # seconds after 00:00 UTC of a scheduled rebalance
    interval_seconds: int = 86_400
    max_weight: float = 1.0
    base_value: float = 100.0


class ConstituentInput(NamedTuple):
    """One constituent at one instant: its mid premium, HK mid and HK turnover."""

    pair: str
    premium: float | None
    hk_mid: float | None
    turnover_usd: float | None

    @property
    def priced(self) -> bool:
        return self.premium is not None and self.hk_mid is not None and self.hk_mid > 0


def capped_weights(raw: Mapping[str, float], max_weight: float = 1.0) -> dict[str, float]:
    """Normalise ``raw`` (>= 0) to weights summing to 1, none above ``max_weight``.

    A weight above the cap is set to the cap and the excess goes to the uncapped names in
    proportion to their raw values, repeated until none exceeds it. Equal weights when
    every raw value is 0 or the cap cannot be met (``n * max_weight < 1``).
    """
    names = list(raw)
    if not names:
        return {}
    total = sum(max(v, 0.0) for v in raw.values())
    if total <= 0 or len(names) * max_weight < 1.0:
        return {n: 1.0 / len(names) for n in names}
    weights = {n: max(raw[n], 0.0) / total for n in names}
    capped: set[str] = set()
    while True:
        over = [n for n in names if n not in capped and weights[n] > max_weight + 1e-15]
        if not over:
            return weights
        capped.update(over)
        free = [n for n in names if n not in capped]
        left = 1.0 - max_weight * len(capped)
        free_total = sum(raw[n] for n in free)
        for n in capped:
            weights[n] = max_weight
        for n in free:
            weights[n] = left * raw[n] / free_total if free_total > 0 else left / len(free)


def last_scheduled(now_ns: int, anchor_seconds: int, interval_seconds: int) -> int:
    """The latest scheduled rebalance at or before ``now_ns`` (``anchor + k * interval``)."""
    anchor, step = anchor_seconds * NS_PER_SECOND, interval_seconds * NS_PER_SECOND
    return anchor + ((now_ns - anchor) // step) * step


def index_value(
    shares: Mapping[str, float], inputs: Iterable[ConstituentInput], base: float
) -> tuple[float | None, dict[str, float]]:
    """(value, drifted weight of each included constituent) from fixed index shares."""
    hk_value: dict[str, float] = {}
    ads_value = 0.0
    for c in inputs:
        q = shares.get(c.pair)
        if q is None or q <= 0 or not c.priced:
            continue
        assert c.hk_mid is not None and c.premium is not None
        hk_value[c.pair] = q * c.hk_mid
        ads_value += q * c.hk_mid * (1.0 + c.premium)
    total = sum(hk_value.values())
    if total <= 0:
        return None, {}
    return base * ads_value / total, {p: v / total for p, v in hk_value.items()}


class PremiumIndex:
    """The index's state (index shares, last rebalance); :meth:`update` once per snapshot."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.target: dict[str, float] = {}
        self.shares: dict[str, float] = {}
        self.rebalanced_at: int | None = None
        self.rebalances = 0
        self.started_at: int | None = None

    def update(self, now_ns: int, inputs: Sequence[ConstituentInput]) -> IndexView:
        """Rebalance if due, then value the index at ``now_ns``."""
        s = self.settings
        if self.started_at is None:
            self.started_at = now_ns
        calendar = last_scheduled(now_ns, s.anchor_seconds, s.interval_seconds)
        scheduled = calendar
        if s.weighting == "turnover":  # the first full turnover window counts as scheduled
            filled = self.started_at + s.turnover_window_seconds * NS_PER_SECOND
            if now_ns >= filled:
                scheduled = max(scheduled, filled)
        newcomer = any(c.priced and c.pair not in self.shares for c in inputs)
        due = self.rebalanced_at is None or self.rebalanced_at < scheduled
        if newcomer or (due and any(c.priced for c in inputs)):
            self.rebalance(now_ns, inputs)
        value, drifted = index_value(self.shares, inputs, s.base_value)
        views = tuple(
            ConstituentView(
                pair=c.pair,
                target_weight=self.target.get(c.pair),
                weight=drifted.get(c.pair),
                shares=self.shares.get(c.pair),
                premium=c.premium,
                included=c.pair in drifted,
            )
            for c in inputs
        )
        return IndexView(
            name=s.name,
            weighting=s.weighting,
            value=value,
            premium=None if value is None else value / s.base_value - 1.0,
            base_value=s.base_value,
            constituents=views,
            included=len(drifted),
            rebalanced_at=self.rebalanced_at,
            next_rebalance_at=calendar + s.interval_seconds * NS_PER_SECOND,
            rebalances=self.rebalances,
            as_of=now_ns,
        )

    def rebalance(self, now_ns: int, inputs: Sequence[ConstituentInput]) -> None:
        """Fix new weights and index shares from the constituents that have a price now."""
        priced = [c for c in inputs if c.priced]
        self.target = capped_weights(self.raw_weights(priced), self.settings.max_weight)
        self.shares = {}
        for c in priced:
            assert c.hk_mid is not None
            self.shares[c.pair] = self.target[c.pair] / c.hk_mid
        self.rebalanced_at = now_ns
        self.rebalances += 1

    def raw_weights(self, priced: Sequence[ConstituentInput]) -> dict[str, float]:
        if self.settings.weighting == "market_cap":
            caps = self.settings.market_caps or {}
            return {c.pair: caps.get(c.pair, 0.0) for c in priced}
        return {c.pair: c.turnover_usd or 0.0 for c in priced}


def hk_turnover_usd(view: PairView, window: str) -> float | None:
    """The HK line's traded value in USD over ``window`` (None: not known)."""
    liquidity = view.hk.liquidity
    if liquidity is None:
        return None
    for w in liquidity.windows:
        if w.window == window:
            return w.turnover_usd
    return None


def constituent_inputs(snapshot: MarketSnapshot, settings: IndexSettings) -> list[ConstituentInput]:
    """The index inputs of every constituent pair in ``snapshot`` (O(pairs))."""
    chosen = set(settings.pairs)
    return [
        ConstituentInput(
            pair=v.pair,
            premium=v.premium.mid,
            hk_mid=v.hk.mid,
            turnover_usd=hk_turnover_usd(v, settings.turnover_window),
        )
        for v in snapshot.pairs
        if not chosen or v.pair in chosen
    ]


__all__ = [
    "ConstituentInput",
    "ConstituentView",
    "IndexSettings",
    "IndexView",
    "PremiumIndex",
    "capped_weights",
    "constituent_inputs",
    "index_value",
    "last_scheduled",
]
