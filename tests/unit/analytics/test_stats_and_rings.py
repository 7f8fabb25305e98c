"""Window maths and per-second rings on their own."""

from __future__ import annotations

import math

import numpy as np
import pytest

from monitor.core import stats
from monitor.core.series import LastRing, SumRing, dense_sums, forward_fill


def test_ar1_fit_recovers_a_known_half_life_within_its_interval() -> None:
    rng = np.random.default_rng(7)
    phi = 0.5 ** (1 / 120)  # half-life 120 s
    x = np.zeros(20_000)
    for t in range(1, x.size):
        x[t] = phi * x[t - 1] + rng.normal(0, 1e-4)
    fit = stats.ar1_fit(x, 30)
    assert fit is not None and fit.samples == x.size - 1
    assert fit.half_life_low is not None and fit.half_life_high is not None
    assert fit.half_life_low < 120 < fit.half_life_high
    assert abs(fit.coefficient - phi) < 3 * fit.stderr


def test_half_life_edges() -> None:
    assert stats.half_life(0.5) == pytest.approx(1.0)
    assert stats.half_life(1.0) is None and stats.half_life(1.2) is None
    assert stats.half_life(-0.3) == 0.0


def test_a_flat_or_short_window_has_no_statistics() -> None:
    flat = np.full(100, 0.01)
    assert stats.ar1_fit(flat, 30) is None
    m = stats.moments(flat, 30)
    assert m.mean == pytest.approx(0.01) and m.stddev == 0.0
    assert stats.zscore(0.02, m) is None
    assert stats.moments(np.array([0.1, math.nan]), 2).mean is None
    assert stats.positive_share(np.array([math.nan] * 5), 1) is None


def test_last_ring_wraps_and_keeps_the_latest_seconds() -> None:
    ring = LastRing(4, 1)
    for second in (10, 11, 13, 13, 16, 17):
        ring.put(second, float(second * 10))
    secs, (values,) = ring.arrays()
    assert secs.tolist() == [11, 13, 16, 17]
    assert values.tolist() == [110.0, 130.0, 160.0, 170.0]
    dense = forward_fill(secs, values, 12, 17)
    assert dense.tolist() == [110.0, 130.0, 130.0, 130.0, 160.0, 170.0]
    assert math.isnan(forward_fill(secs, values, 10, 10)[0])


def test_sum_ring_adds_within_a_second_and_zero_fills_the_rest() -> None:
    ring = SumRing(8)
    for second, value in ((5, 1.0), (5, 2.0), (7, 4.0), (6, 8.0)):  # a late second adds to 7
        ring.add(second, value)
    secs, (values,) = ring.arrays()
    assert dense_sums(secs, values, 4, 8).tolist() == [0.0, 3.0, 0.0, 12.0, 0.0]
