"""The replay clock follows recorded time; premium statistics weight by recorded time."""

from __future__ import annotations

import math

import pytest

from monitor.recorder.clock import ReplayClock
from monitor.recorder.stats import PairStats

T0 = 1_795_185_000_000_000_000
S = 1_000_000_000


class FakeWall:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_clock_reads_the_fallback_until_the_first_event() -> None:
    clock = ReplayClock(1.0, wall=FakeWall(), fallback=lambda: 42)

    assert clock() == 42
    assert not clock.started
    assert clock.delay_until(T0) == 0.0


def test_unpaced_clock_stands_on_the_latest_event() -> None:
    wall = FakeWall()
    clock = ReplayClock(0.0, wall=wall)

    clock.advance_to(T0)
    wall.now += 3600
    clock.advance_to(T0 - S)  # never goes back

    assert clock() == T0
    assert clock.delay_until(T0 + 10 * S) == 0.0


def test_paced_clock_runs_speed_times_faster_than_the_wall() -> None:
    wall = FakeWall()
    clock = ReplayClock(10.0, wall=wall)
    clock.advance_to(T0)

    wall.now += 0.5

    assert clock() == T0 + 5 * S
    assert clock.delay_until(T0 + 7 * S) == pytest.approx(0.2)
    assert clock.delay_until(T0 + 1 * S) == 0.0


def test_negative_speed_is_refused() -> None:
    with pytest.raises(ValueError, match="speed"):
        ReplayClock(-1.0)


def test_pair_stats_are_weighted_by_recorded_time() -> None:
    stats = PairStats("PONY")

    stats.add(T0, 0.01, -0.002, 0.001)
    stats.add(T0 + 3 * S, 0.02, 0.004, -0.001)
    stats.add(T0 + 4 * S, -0.01, math.nan, -0.003)

    assert stats.updates == 3
    assert stats.first is not None and stats.first.value == 0.01
    assert stats.low is not None and (stats.low.value, stats.low.ts) == (-0.01, T0 + 4 * S)
    assert stats.high is not None and stats.high.value == 0.02
    assert stats.time_weighted_mean == pytest.approx((0.01 * 3 + 0.02 * 1) / 4)
    assert stats.buy_hk_sell_us.best is not None
    assert stats.buy_hk_sell_us.best.value == 0.004
    assert stats.buy_hk_sell_us.positive_ns == 1 * S
    assert stats.buy_us_sell_hk.positive_ns == 3 * S
    assert stats.span_ns == 4 * S
