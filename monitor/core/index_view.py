"""Immutable view of the dual-listing premium index (built by ``core/premium_index.py``)."""

from __future__ import annotations

from typing import NamedTuple


class ConstituentView(NamedTuple):
    """A constituent in the published index."""

    pair: str
    target_weight: float | None  # fixed at the last rebalance (None: joined no rebalance yet)
    weight: float | None  # drifted weight now among those included (None: not included)
    shares: float | None  # index shares Q_i (per HKD of the base)
    premium: float | None
    included: bool  # contributes to the value right now


class IndexView(NamedTuple):
    """The index at one instant."""

    name: str
    weighting: str
    value: float | None  # base_value at parity; None when no constituent has a price
    premium: float | None  # value / base_value - 1 (a ratio like every premium)
    base_value: float
    constituents: tuple[ConstituentView, ...]
    included: int
    rebalanced_at: int | None  # ns
    next_rebalance_at: int  # ns
    rebalances: int
    as_of: int
