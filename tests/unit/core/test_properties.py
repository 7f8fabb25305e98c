"""Property tests of the premium's invariants and of the rolling windows."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core.fees import FeeSchedule
from monitor.core.liquidity import RollingTrades
from monitor.core.premium import PremiumCalculator
from tests.support import oracle
from tests.support.calculator import edge_buy_hk_sell_us, edge_buy_us_sell_hk, mid_premium

price = st.floats(min_value=0.5, max_value=2000, allow_nan=False, allow_infinity=False)
spread = st.floats(min_value=0.0, max_value=0.05)
fx = st.floats(min_value=7.70, max_value=7.90)
ratio = st.sampled_from([1, 2, 3, 5, 8, 10, 13])
notional = st.floats(min_value=1_000, max_value=10_000_000)
ZERO = FeeSchedule(
    **{
        f.name: 0.0
        for f in dataclasses.fields(FeeSchedule)
        if f.name != "as_of" and isinstance(f.default, float)
    }
)


@given(us=price, hk=price, fx_mid=fx, r=ratio)
def test_mid_premium_is_zero_at_parity(us: float, hk: float, fx_mid: float, r: int) -> None:
    assert mid_premium(us, fx_mid, us * fx_mid / r, r) == pytest.approx(0.0, abs=1e-12)
    # and it is positive exactly when the ADS is rich
    assert (mid_premium(us, fx_mid, hk, r) > 0) == (us * fx_mid / r > hk)


@given(us=price, k=st.floats(min_value=0.1, max_value=10), hk=price, fx_mid=fx, r=ratio)
def test_premium_is_invariant_to_an_ads_ratio_change(
    us: float, k: float, hk: float, fx_mid: float, r: int
) -> None:
    # A ratio change by k moves the ADS price by k: the premium must not move.
    assert mid_premium(us * k, fx_mid, hk, r * k) == pytest.approx(
        mid_premium(us, fx_mid, hk, r), rel=1e-9, abs=1e-12
    )


@given(us=price, hk=price, fx_mid=fx, r=ratio, s1=spread, s2=spread, s3=spread, n=notional)
def test_round_trip_never_pays_and_costs_only_subtract(
    us: float, hk: float, fx_mid: float, r: int, s1: float, s2: float, s3: float, n: float
) -> None:
    us_bid, us_ask = us * (1 - s1), us * (1 + s1)
    hk_bid, hk_ask = hk * (1 - s2), hk * (1 + s2)
    fx_bid, fx_ask = fx_mid * (1 - s3 / 10), fx_mid * (1 + s3 / 10)
    fees = FeeSchedule()
    gross_a = edge_buy_hk_sell_us(us_bid, hk_ask, fx_bid, r, ZERO, n)
    gross_b = edge_buy_us_sell_hk(us_ask, hk_bid, fx_ask, r, ZERO, n)
    net_a = edge_buy_hk_sell_us(us_bid, hk_ask, fx_bid, r, fees, n)
    net_b = edge_buy_us_sell_hk(us_ask, hk_bid, fx_ask, r, fees, n)
    mid = mid_premium(us, fx_mid, hk, r)
    eps = 1e-12 * max(1.0, abs(mid))
    # buying and selling both ways cannot make money: each edge is a return on capital
    # (1 + a = us_bid*fx_bid/(r*hk_ask), 1 + b = r*hk_bid/(us_ask*fx_ask)), so the product
    # of the two round trips is at most 1
    assert (1 + gross_a) * (1 + gross_b) <= 1 + eps
    assert net_a < gross_a and net_b < gross_b  # costs are always positive
    assert gross_a <= mid + eps  # crossing the spread never beats the mid


trades = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4000),
        st.floats(min_value=1, max_value=10_000),
        st.floats(min_value=1, max_value=500),
    ),
    max_size=200,
)


@settings(max_examples=200)
@given(events=trades, read_at=st.integers(min_value=0, max_value=8000))
def test_rolling_windows_match_brute_force(
    events: list[tuple[int, float, float]], read_at: int
) -> None:
    windows = (60, 300, 3600)
    rolling = RollingTrades(windows)
    accepted = []
    for second, size, px in events:  # in arrival order: late trades included
        if rolling.add(second, size, px):
            accepted.append((second, size, px))
    head = max([read_at, *(s for s, _, _ in accepted)], default=read_at)
    rolling.advance(head)
    for index, window in enumerate(windows):
        inside = [(s, q, p) for s, q, p in accepted if s > head - window]
        volume, turnover, count = rolling.totals(index)
        assert count == len(inside)
        assert volume == pytest.approx(sum(q for _, q, _ in inside), rel=1e-9, abs=1e-6)
        assert turnover == pytest.approx(sum(q * p for _, q, p in inside), rel=1e-9, abs=1e-6)


@given(
    events=trades,
    head=st.integers(min_value=0, max_value=8000),
    later=st.integers(min_value=-10, max_value=4000),
)
def test_reading_ahead_of_the_head_is_advancing_a_copy_and_moves_nothing(
    events: list[tuple[int, float, float]], head: int, later: int
) -> None:
    def loaded() -> RollingTrades:
        rolling = RollingTrades((60, 300, 3600))
        for second, size, px in events:
            rolling.add(second, size, px)
        rolling.advance(head)
        return rolling

    rolling, moved = loaded(), loaded()
    second = head + later  # before the head, at it, or after it
    moved.advance(second)
    for index in range(3):
        assert rolling.totals_at(index, second) == moved.totals(index)
    assert [rolling.totals(index) for index in range(3)] == [
        loaded().totals(index) for index in range(3)
    ]


def test_late_trade_inside_the_window_counts_and_too_old_is_refused() -> None:
    rolling = RollingTrades((60,))
    assert rolling.add(1000, 10, 1.0)
    assert rolling.add(990, 5, 1.0)  # late but inside the window
    assert rolling.totals(0) == (15.0, 15.0, 2)
    assert not rolling.add(900, 5, 1.0)  # older than every window


@given(us=price, hk=price, fx_mid=fx, r=ratio, s1=spread, s2=spread, n=notional)
def test_the_calculator_equals_the_definitions(
    us: float, hk: float, fx_mid: float, r: int, s1: float, s2: float, n: float
) -> None:
    fees = FeeSchedule(hk_commission_rate=0.0002, hk_commission_min_hkd=30, us_commission_min_usd=1)
    us_bid, us_ask, hk_bid, hk_ask = us * (1 - s1), us * (1 + s1), hk * (1 - s2), hk * (1 + s2)
    fx_bid, fx_ask = fx_mid - 0.0002, fx_mid + 0.0002
    mid, a, b = PremiumCalculator(r, fees, n).premiums(
        (us, us_bid, us_ask), (hk, hk_bid, hk_ask), (fx_mid, fx_bid, fx_ask)
    )
    assert mid == pytest.approx(oracle.mid_premium(us, fx_mid, hk, r), rel=1e-12, abs=1e-15)
    ref_a = oracle.edge_buy_hk_sell_us(us_bid, hk_ask, fx_bid, r, fees, n)
    assert a == pytest.approx(ref_a, rel=1e-9, abs=1e-12)
    ref_b = oracle.edge_buy_us_sell_hk(us_ask, hk_bid, fx_ask, r, fees, n)
    assert b == pytest.approx(ref_b, rel=1e-9, abs=1e-12)
