"""Window statistics over dense one-second series (numpy, read time only).

Every function takes the dense series of one window (one value per second, NaN where
unknown) and ignores NaN samples, the way pandas rolling windows do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from monitor.core.series import FloatArray

Z_95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class Moments:
    """Sample count, mean and sample standard deviation (ddof=1) of a window."""

    samples: int
    mean: float | None
    stddev: float | None


@dataclass(frozen=True, slots=True)
class Ar1Fit:
    """OLS fit of ``x[t] = a + phi * x[t-1] + e`` on one-second steps, with a 95 % interval.

    The half-life of a deviation is ``-ln 2 / ln phi`` seconds for ``0 < phi < 1``; it is
    0 when ``phi <= 0`` (gone within a step) and ``None`` (no mean reversion) when
    ``phi >= 1``. The interval maps ``phi -/+ 1.96 * stderr`` through the same formula.
    """

    samples: int
    coefficient: float
    stderr: float
    half_life: float | None
    half_life_low: float | None
    half_life_high: float | None


def moments(x: FloatArray, min_samples: int) -> Moments:
    """Mean and sample standard deviation of the finite values, if there are enough."""
    values = x[np.isfinite(x)]
    n = int(values.size)
    if n < max(min_samples, 1):
        return Moments(n, None, None)
    mean = float(values.mean())
    if n < 2:
        return Moments(n, mean, None)
    flat = values.max() == values.min()  # exact: no rounding noise in a constant window
    std = 0.0 if flat else float(values.std(ddof=1))
    return Moments(n, mean, std)


def zscore(current: float | None, m: Moments) -> float | None:
    """``(current - mean) / stddev``; None when undefined (no value, flat window)."""
    if current is None or m.mean is None or not m.stddev:
        return None
    return (current - m.mean) / m.stddev


def positive_share(x: FloatArray, min_samples: int) -> float | None:
    """Share of the finite samples that are above zero."""
    values = x[np.isfinite(x)]
    if values.size < max(min_samples, 1):
        return None
    return float(np.count_nonzero(values > 0.0)) / float(values.size)


def half_life(phi: float) -> float | None:
    """Half-life in steps of an AR(1) with coefficient ``phi`` (see :class:`Ar1Fit`)."""
    if not math.isfinite(phi) or phi >= 1.0:
        return None
    if phi <= 0.0:
        return 0.0
    return -math.log(2.0) / math.log(phi)


def ar1_fit(x: FloatArray, min_samples: int) -> Ar1Fit | None:
    """Fit an AR(1) on consecutive finite pairs of ``x``; None if too few or flat."""
    prev, curr = x[:-1], x[1:]
    ok = np.isfinite(prev) & np.isfinite(curr)
    n = int(np.count_nonzero(ok))
    if n < max(min_samples, 3):
        return None
    p, c = prev[ok], curr[ok]
    if p.max() == p.min():
        return None
    pd_ = p - p.mean()
    sxx = float(pd_ @ pd_)
    if sxx <= 0.0:
        return None
    cd = c - c.mean()
    phi = float(pd_ @ cd) / sxx
    resid = cd - phi * pd_
    stderr = math.sqrt(float(resid @ resid) / (n - 2) / sxx)
    low, high = phi - Z_95 * stderr, phi + Z_95 * stderr
    return Ar1Fit(n, phi, stderr, half_life(phi), half_life(low), half_life(high))


def realized_volatility(mid: FloatArray) -> float | None:
    """``sqrt(sum r^2)`` of one-second log returns; ``mid`` starts one second early."""
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.diff(np.log(mid))
    r = r[np.isfinite(r)]
    if r.size == 0:
        return None
    return math.sqrt(float(r @ r))


def amihud(mid: FloatArray, turnover_usd: FloatArray, bucket: int) -> float | None:
    """Mean of ``|log return| / USD turnover`` over ``bucket``-second intervals with trades.

    ``mid`` has one more sample than ``turnover_usd`` (the second before the window);
    intervals are cut from the start of the window, the last one may be shorter.
    """
    n = turnover_usd.size
    edges = np.arange(0, n, bucket)
    ends = np.minimum(edges + bucket, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.abs(np.log(mid[ends]) - np.log(mid[edges]))
    turnover = np.add.reduceat(turnover_usd, edges) if n else np.zeros(0)
    ok = np.isfinite(returns) & (turnover > 0.0)
    if not ok.any():
        return None
    return float(np.mean(returns[ok] / turnover[ok]))


def nan_mean(x: FloatArray, min_samples: int) -> float | None:
    """Mean of the finite values (time-weighted for a dense per-second series)."""
    values = x[np.isfinite(x)]
    if values.size < max(min_samples, 1):
        return None
    return float(values.mean())
