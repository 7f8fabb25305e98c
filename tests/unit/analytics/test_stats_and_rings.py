"""Window accumulators, the fold over per-second rings, and the rings on their own."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core import rolling
from monitor.core.analytics_windows import Cursor, PairWindows, segments
from monitor.core.series import LastRing, SumRing


def ar1_of(x: np.ndarray, min_samples: int = 30) -> rolling.Ar1Fit | None:
    sums, prev = rolling.Ar1Sums(), rolling.RunLength()
    for t in range(1, x.size):
        sums.add(float(x[t - 1]), float(x[t]), 1)
        prev.push(float(x[t - 1]), 1)
    return sums.fit(min_samples, prev.flat(sums.n))


def test_ar1_fit_recovers_a_known_half_life_within_its_interval() -> None:
    rng = np.random.default_rng(7)
    phi = 0.5 ** (1 / 120)  # half-life 120 s
    x = np.zeros(20_000)
    for t in range(1, x.size):
        x[t] = phi * x[t - 1] + rng.normal(0, 1e-4)
    fit = ar1_of(x)
    assert fit is not None and fit.samples == x.size - 1
    assert fit.half_life_low is not None and fit.half_life_high is not None
    assert fit.half_life_low < 120 < fit.half_life_high
    assert abs(fit.coefficient - phi) < 3 * fit.stderr


@settings(max_examples=300, deadline=None)
@given(
    runs=st.lists(
        st.tuples(st.sampled_from([-0.02, -0.001, 0.0, 0.003, 0.01]), st.integers(1, 5)),
        max_size=12,
    ),
    drop=st.integers(0, 12),
    now=st.one_of(st.none(), st.floats(-0.05, 0.05)),
)
def test_one_read_gives_the_mean_deviation_and_zscore_read_one_by_one(
    runs: list[tuple[float, int]], drop: int, now: float | None
) -> None:
    m, run = rolling.Moments(), rolling.RunLength()
    for value, k in runs:
        m.add(value, k)
        run.push(value, k)
    for value, k in runs[:drop]:  # the oldest leave the window again
        m.remove(value, k)
    std = m.stddev(run.flat(m.n))
    assert m.read(run, now) == (m.mean, std, rolling.zscore(now, m.mean, std))


def test_half_life_edges() -> None:
    assert rolling.half_life(0.5) == pytest.approx(1.0)
    assert rolling.half_life(1.0) is None and rolling.half_life(1.2) is None
    assert rolling.half_life(-0.3) == 0.0


def test_a_flat_window_has_zero_deviation_and_no_fit_even_after_noise_left_it() -> None:
    m, run = rolling.Moments(), rolling.RunLength()
    for value, k in ((0.013, 1), (0.01, 99)):  # noise that leaves the window again
        m.add(value, k)
        run.push(value, k)
    assert m.stddev(run.flat(m.n)) != 0.0
    m.remove(0.013, 1)
    std = m.stddev(run.flat(m.n))
    assert m.n == 99 and std == 0.0 and m.mean == pytest.approx(0.01, rel=1e-15)
    assert m.m2 != 0.0  # the running sum kept some rounding: flatness is decided apart
    assert rolling.zscore(0.02, m.mean, std) is None
    flat = np.full(100, 0.01)
    assert ar1_of(flat) is None
    m.remove(0.01, 99)
    assert (m.n, m.mean, m.m2, m.positive) == (0, 0.0, 0.0, 0)  # empty: exactly reset


def test_moments_of_runs_equal_numpy_of_the_expanded_samples() -> None:
    rng = random.Random(3)
    m = rolling.Moments()
    window: list[float] = []
    second = 0
    for _ in range(2000):
        value, k = rng.gauss(0.02, 0.004), rng.randint(1, 5)
        second += k
        m.add(value, k)
        window.extend([value] * k)
        while len(window) > 300:  # remove the oldest run-sized chunk
            drop = min(rng.randint(1, 4), len(window) - 300)
            head = window[0]
            same = 1
            while same < len(window) and window[same] == head and same < drop:
                same += 1
            m.remove(head, same)
            del window[:same]
    values = np.array(window)
    assert m.n == values.size
    assert m.mean == pytest.approx(values.mean(), rel=1e-12)
    assert m.stddev(False) == pytest.approx(values.std(ddof=1), rel=1e-9)
    assert m.positive == int((values > 0).sum())


def test_last_ring_grows_wraps_and_keeps_the_latest_seconds() -> None:
    ring = LastRing(4, 1)
    for second in (10, 11, 13, 13, 16, 17):
        ring.put(second, float(second * 10))
    assert len(ring) == 4 and ring.first_seq == 1
    assert [ring.second_at(s) for s in range(ring.first_seq, ring.total)] == [11, 13, 16, 17]
    assert ring.value_at(0, ring.seq_at(15)) == 130.0  # carried forward from second 13
    assert ring.seq_at(10) == -1  # before the oldest stored entry
    big = LastRing(10_000, 2)
    assert len(big.secs) == 64  # starts small, grows with use
    for second in range(200):
        big.put(second, float(second), -float(second))
    assert len(big.secs) == 256 and big.value_at(1, big.seq_at(150)) == -150.0


def test_sum_ring_adds_within_a_second() -> None:
    ring = SumRing(8)
    for second, value in ((5, 1.0), (5, 2.0), (7, 4.0), (6, 8.0)):  # a late second adds to 7
        ring.add(second, value)
    assert [ring.value_at(0, s) for s in range(ring.total)] == [3.0, 12.0]


def test_cursor_walks_runs_and_segments_split_on_idle_minutes() -> None:
    ring = LastRing(100, 1)
    for second, value in ((3, 1.0), (5, 2.0), (6, 3.0)):
        ring.put(second, value)
    cursor = Cursor(ring, 1)
    assert list(cursor.runs(8)) == [(2, 2, -1), (3, 4, 0), (5, 5, 1), (6, 8, 2)]
    assert list(cursor.runs(9)) == [(9, 9, 2)]
    idle = {1}  # minute 1 (seconds 60..119) does not trade
    parts = list(segments(50, 130, lambda minute: minute not in idle))
    assert parts == [(50, 59), (-60, 119), (120, 130)]


def test_pair_windows_match_pandas_rolling_over_a_masked_random_series() -> None:
    rng = random.Random(11)
    ring = LastRing(2000, 3)
    second = 1000
    for _ in range(600):
        second += rng.choice([1, 1, 2, 5, 30])
        ring.put(second, rng.gauss(0.02, 0.003), rng.gauss(-0.001, 0.002), rng.gauss(0, 0.002))
    idle = {m for m in range(second // 60 + 1) if m % 7 == 3}
    windows = PairWindows(ring, lambda minute: minute not in idle, (60, 300), 300)
    dense = pd.DataFrame(index=pd.RangeIndex(0, second + 1), columns=[0, 1, 2], dtype=float)
    for seq in range(ring.total):
        dense.loc[ring.second_at(seq)] = [ring.value_at(f, seq) for f in range(3)]
    dense = dense.ffill()
    dense[[m in idle for m in dense.index // 60]] = math.nan
    for end in range(1400, second + 1, 97):
        windows.fold(end)
        upto = dense.loc[:end]
        for w, seconds in enumerate(windows.windows):
            for field, m in enumerate(windows.moments[w]):
                tail = upto[field].iloc[-seconds:]
                assert m.n == tail.notna().sum()
                if m.n >= 2:
                    assert m.mean == pytest.approx(tail.mean(), rel=1e-9, abs=1e-15)
                    std = windows.stddev(w, field)
                    assert std == pytest.approx(tail.std(), rel=1e-9, abs=1e-15)
                    assert m.positive == int((tail > 0).sum())
