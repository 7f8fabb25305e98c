"""Settings for many pairs: sharding across daemons and the dual-listing premium index.

``shard: {index: i, count: n}`` makes this daemon serve shard ``i`` of ``n``: the pairs
that rendezvous hashing (:mod:`monitor.core.shard`) assigns to it; every daemon of the
same configuration gets a disjoint, stable subset and together they cover every pair.

``index:`` configures the premium index over the configured pairs
(:mod:`monitor.core.premium_index`, docs/index.md).
"""

from datetime import time
from typing import Literal

from pydantic import Field, model_validator

from monitor.settings.base import Model


class ShardConfig(Model):
    """Shard ``index`` of ``count`` (0-based); the default (0 of 1) serves every pair."""

    index: int = Field(default=0, ge=0)
    count: int = Field(default=1, ge=1, le=1024)

    @model_validator(mode="after")
    def _index_below_count(self) -> "ShardConfig":
        if self.index >= self.count:
            raise ValueError(f"index must be below count ({self.index} >= {self.count})")
        return self

    @property
    def enabled(self) -> bool:
        return self.count > 1


class IndexConfig(Model):
    """The dual-listing premium index (docs/index.md).

    ``weighting``: ``turnover`` (each constituent's HK turnover in USD over ``turnover_window``,
    a ``liquidity.windows`` label, at the rebalance) or ``market_cap`` (the free-float market
    capitalisation given in ``market_caps``, any one currency). Weights are fixed at each
    rebalance: every ``rebalance_interval_seconds`` counted from ``rebalance_at`` (UTC).
    ``pairs``: the constituents (default: every configured pair of this daemon).
    """

    enabled: bool = False
    name: str = Field(default="hk_us", pattern=r"^[a-z][a-z0-9_]{0,31}$")
    weighting: Literal["turnover", "market_cap"] = "turnover"
    turnover_window: str = "1h"
    market_caps: dict[str, float] = Field(default={})
    pairs: list[str] = Field(default=[])
    rebalance_at: time = time(8, 30)  # 16:30 HKT, after the HK close
    rebalance_interval_seconds: int = Field(default=86_400, ge=1, le=7 * 86_400)
    max_weight: float = Field(default=1.0, gt=0, le=1)
    base_value: float = Field(default=100.0, gt=0)

    @model_validator(mode="after")
    def _caps_given(self) -> "IndexConfig":
        if self.weighting == "market_cap":
            if not self.market_caps:
                raise ValueError("weighting market_cap needs market_caps (pair: free-float cap)")
            bad = [k for k, v in self.market_caps.items() if not v > 0]
            if bad:
                raise ValueError(f"market_caps must be > 0 ({', '.join(bad)})")
        return self
