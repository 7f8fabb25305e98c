"""The report's statistics, from the daemon's own accumulators (:mod:`monitor.core.rolling`).

Applied to whole one-second series instead of the live rolling windows: the AR(1)
half-life of a series, the z-score against a trailing window, the share of time positive.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from monitor.core.rolling import Ar1Fit, Ar1Sums, Moments, RunLength, zscore

FloatArray = npt.NDArray[np.float64]


def ar1_fit(values: FloatArray, min_samples: int) -> Ar1Fit | None:
    """AR(1) fit on the consecutive finite pairs of a one-second series (None: too few,
    or every previous value equal)."""
    sums = Ar1Sums()
    prev = values[:-1]
    curr = values[1:]
    ok = np.isfinite(prev) & np.isfinite(curr)
    for p, c in zip(prev[ok].tolist(), curr[ok].tolist(), strict=True):
        sums.add(p, c, 1)
    flat_prev = not ok.any() or bool(prev[ok].max() == prev[ok].min())
    return sums.fit(min_samples, flat_prev)


def rolling_zscores(values: FloatArray, window: int, step: int, min_samples: int) -> FloatArray:
    """Z-score of the value at every ``step``-th second against the trailing ``window``
    seconds (NaN where undefined: too few samples, a flat window, no value)."""
    moments = Moments()
    runs = RunLength()
    out = np.full(len(values) // step, np.nan)
    for i, value in enumerate(values.tolist()):
        if math.isfinite(value):
            moments.add(value, 1)
            runs.push(value, 1)
        if i >= window:
            old = values[i - window]
            if math.isfinite(old):
                moments.remove(float(old), 1)
        if (i + 1) % step == 0 and moments.n >= min_samples:
            current = value if math.isfinite(value) else None
            z = zscore(current, moments.mean, moments.stddev(runs.flat(moments.n)))
            if z is not None:
                out[(i + 1) // step - 1] = z
    return out


def positive_share(values: FloatArray) -> float | None:
    """Share of the finite samples above zero (None without any)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None
    return float(np.count_nonzero(finite > 0.0)) / float(finite.size)


__all__ = ["ar1_fit", "positive_share", "rolling_zscores"]
