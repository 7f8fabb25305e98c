"""HKEX tick-size table (since 4 Aug 2025) and grid checks."""

from __future__ import annotations

from bisect import bisect_left

# (upper bound of the price band, tick size in HKD); a price equal to a bound uses the
# finer tick of the band below it, as in the exchange's spread table.
HKEX_TICK_TABLE: tuple[tuple[float, float], ...] = (
    (0.25, 0.001),
    (0.50, 0.005),
    (20.0, 0.01),
    (50.0, 0.02),
    (100.0, 0.05),
    (200.0, 0.10),
    (500.0, 0.20),
    (1000.0, 0.50),
    (2000.0, 1.0),
    (5000.0, 2.0),
    (9995.0, 5.0),
)
_BOUNDS = tuple(upper for upper, _ in HKEX_TICK_TABLE)


def hkex_tick_size(price: float) -> float:
    """Return the HKEX tick size for ``price`` (HKD); the top band applies above 9995."""
    index = bisect_left(_BOUNDS, price)
    if index >= len(HKEX_TICK_TABLE):
        index = len(HKEX_TICK_TABLE) - 1
    return HKEX_TICK_TABLE[index][1]


def is_on_hkex_grid(price: float) -> bool:
    """Whether ``price`` is a whole number of ticks (to a tolerance of 1e-6 tick)."""
    tick = hkex_tick_size(price)
    steps = price / tick
    return abs(steps - round(steps)) < 1e-6


def round_to_hkex_grid(price: float) -> float:
    """Round ``price`` to the nearest valid HKEX price."""
    tick = hkex_tick_size(price)
    return round(round(price / tick) * tick, 6)
