"""Premium attribution by hand: log returns of each leg sum to the premium's log change."""

from __future__ import annotations

import math

import pytest

from monitor.core.attribution import LegMids, attribute


def test_each_leg_alone() -> None:
    start = LegMids(us=15.00, hk=117.00, fx=7.80)
    # US +1 %: 15.15; premium (1+P) rises by the same log return
    only_us = attribute(start, LegMids(15.15, 117.00, 7.80))
    assert only_us is not None
    assert only_us.us == pytest.approx(math.log(1.01), abs=1e-15)
    assert only_us.hk == only_us.fx == only_us.ratio == 0.0
    # HK +2 %: the premium falls by ln(1.02)
    only_hk = attribute(start, LegMids(15.00, 119.34, 7.80))
    assert only_hk is not None and only_hk.hk == pytest.approx(-math.log(1.02), abs=1e-15)
    # FX 7.80 -> 7.81: + ln(7.81 / 7.80) = 0.0012812
    only_fx = attribute(start, LegMids(15.00, 117.00, 7.81))
    assert only_fx is not None and only_fx.fx == pytest.approx(0.00128123, abs=1e-8)


def test_terms_sum_to_the_log_change_of_the_premium() -> None:
    start = LegMids(15.00, 117.00, 7.80)  # P0 = 117/117 - 1 = 0
    now = LegMids(15.30, 118.00, 7.79)  # P1 = 15.30 * 7.79 / 118 - 1 = 0.0100424
    a = attribute(start, now)
    assert a is not None
    assert a.premium_start == pytest.approx(0.0, abs=1e-15)
    assert a.premium_now == pytest.approx(15.30 * 7.79 / 118.00 - 1, abs=1e-15)
    assert a.us == pytest.approx(math.log(15.30 / 15.00))  # +1.980 %
    assert a.hk == pytest.approx(-math.log(118.00 / 117.00))  # -0.851 %
    assert a.fx == pytest.approx(math.log(7.79 / 7.80))  # -0.128 %
    assert a.us + a.hk + a.fx + a.ratio == pytest.approx(a.total, abs=1e-15)
    assert a.total == pytest.approx(math.log(1 + a.premium_now), abs=1e-15)


def test_a_ratio_change_is_its_own_term() -> None:
    # 1 ADS = 2 shares -> 4 shares (ADS price doubles): no premium change, all in the terms
    a = attribute(LegMids(20.0, 78.0, 7.80, 2), LegMids(40.0, 78.0, 7.80, 4))
    assert a is not None
    assert a.us == pytest.approx(math.log(2)) and a.ratio == pytest.approx(-math.log(2))
    assert a.total == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_missing_or_invalid_mids_give_none(bad: float) -> None:
    good = LegMids(15.0, 117.0, 7.8)
    assert attribute(good, LegMids(bad, 117.0, 7.8)) is None
    assert attribute(LegMids(15.0, 117.0, bad), good) is None
