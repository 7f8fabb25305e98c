"""The one backoff: capped exponential ceilings, jitter range, reset, healthy runs."""

from __future__ import annotations

import random

import pytest

from monitor.retry import Backoff


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_full_jitter_grows_to_the_cap_and_resets() -> None:
    backoff = Backoff(1.0, 8.0, rng=random.Random(1).random)
    ceilings = [1, 2, 4, 8, 8, 8]
    delays = [backoff.next_delay() for _ in ceilings]
    assert all(0.0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert backoff.attempt == 6
    backoff.reset()
    assert backoff.attempt == 0 and backoff.next_delay() <= 1.0


def test_full_jitter_spreads_delays() -> None:
    backoff = Backoff(10.0, 10.0, rng=random.Random(2).random)
    delays = {round(backoff.next_delay(), 3) for _ in range(20)}
    assert len(delays) > 10


@pytest.mark.parametrize(("u", "expected"), [(0.0, [0.5, 1.0, 2.0, 2.0]), (1.0, [1, 2, 4, 4])])
def test_equal_jitter_stays_in_the_upper_half_of_each_ceiling(
    u: float, expected: list[float]
) -> None:
    backoff = Backoff(1.0, 4.0, jitter=0.5, rng=lambda: u)
    assert [backoff.next_delay() for _ in expected] == expected


def test_a_healthy_run_starts_the_delays_over_a_short_one_does_not() -> None:
    clock = Clock()
    backoff = Backoff(1.0, 60.0, jitter=0.0, healthy_after=60.0, clock=clock)
    assert [backoff.next_delay() for _ in range(3)] == [1.0, 2.0, 4.0]
    backoff.running()
    clock.t += 59.0
    assert backoff.next_delay() == 8.0  # 59 s is not healthy yet
    backoff.running()
    clock.t += 60.0
    assert backoff.next_delay() == 1.0
    assert backoff.next_delay() == 2.0  # one healthy run resets once


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError):
        Backoff(2.0, 1.0)
    with pytest.raises(ValueError):
        Backoff(1.0, 2.0, jitter=1.5)


def test_streaming_time_takes_doublings_back() -> None:
    clock = Clock()
    backoff = Backoff(1.0, 60.0, jitter=0.0, decay_every=2.0, clock=clock)
    assert [backoff.next_delay() for _ in range(4)] == [1.0, 2.0, 4.0, 8.0]
    backoff.running()
    clock.t += 5.0  # two decay periods: two doublings back
    assert backoff.next_delay() == 4.0
    backoff.running()
    clock.t += 1.9  # less than one period: nothing forgiven
    assert backoff.next_delay() == 8.0


def test_a_lower_cap_applies_to_one_call_and_never_goes_below_initial() -> None:
    backoff = Backoff(1.0, 30.0, jitter=0.0)
    assert [backoff.next_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert backoff.next_delay(cap=1.5) == 1.5
    assert backoff.next_delay() == 30.0
    assert backoff.next_delay(cap=0.1) == 1.0
