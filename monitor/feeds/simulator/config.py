"""Options of the built-in simulator feed."""

from typing import Literal

from pydantic import Field

from monitor.settings.base import Model


class SimulatedPair(Model):
    """One pair's own character; unset fields: the catalogue's price level, the pair's
    board lot, a seeded premium mean near ``premium_mean`` and the feed-wide values."""

    hk_price: float | None = Field(default=None, gt=0)  # HKD per HK share at the start
    premium_mean: float | None = Field(default=None, ge=-0.5, le=0.5)
    premium_volatility: float | None = Field(default=None, ge=0, le=0.1)
    premium_half_life_seconds: float | None = Field(default=None, gt=0)
    trade_probability: float | None = Field(default=None, ge=0, le=1)
    depth_lots: int | None = Field(default=None, ge=1, le=10_000)  # top-of-book size, lots
    activity: float = Field(default=1.0, gt=0, le=1000)  # relative update rate of its legs


class SimulatorOptions(Model):
    """``demo``: every leg trades at any hour; ``calendar``: only while its venue is live.

    ``pairs``: per-pair overrides by pair name (:class:`SimulatedPair`); the first pair
    starts at ``hk_start_price`` unless it has its own ``hk_price``.
    """

    mode: Literal["demo", "calendar"] = "demo"
    seed: int = 7
    updates_per_second: float = Field(default=20.0, gt=0, le=100_000)
    trade_probability: float = Field(default=0.15, ge=0, le=1)
    hk_start_price: float = Field(default=118.50, gt=0)
    fx_start_mid: float = Field(default=7.7810, ge=7.75, le=7.85)
    premium_mean: float = Field(default=-0.001, ge=-0.5, le=0.5)
    premium_volatility: float = Field(default=0.0015, ge=0, le=0.1)  # stationary sd
    premium_half_life_seconds: float = Field(default=120.0, gt=0)
    jump_probability_per_second: float = Field(default=0.004, ge=0, le=1)
    jump_size: float = Field(default=0.025, ge=0, le=0.5)
    price_volatility_per_second: float = Field(default=0.0004, ge=0, le=0.05)
    fault_probability: float = Field(default=0.0, ge=0, le=1)  # emit invalid ticks (tests)
    pair_premium_spread: float = Field(default=0.004, ge=0, le=0.1)  # sd of other pairs' means
    pairs: dict[str, SimulatedPair] = Field(default_factory=dict)
