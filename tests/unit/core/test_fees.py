"""Each fee of the schedule, by hand (values of the 2026-04-04 defaults unless named)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.core.fees import FeeSchedule, stamp_duty_hkd

F = FeeSchedule()
OLD_CCASS = FeeSchedule(
    hk_settlement_rate=0.00002, hk_settlement_min_hkd=2, hk_settlement_max_hkd=100
)


def test_hk_costs_on_a_mid_sized_trade() -> None:
    # 1,000,000 HKD: stamp 1,000 + SFC 27 + AFRC 1.5 + trading 56.5 + HKSCC 0.0042 % 42
    assert F.hk_cost_hkd(1_000_000) == pytest.approx(1127.0, abs=1e-9)
    items = F.hk_costs(1_000_000)
    assert items.stamp_duty == 1000.0 and items.settlement == pytest.approx(42.0)
    assert items.sfc_levy == pytest.approx(27.0) and items.afrc_levy == pytest.approx(1.5)
    assert items.trading_fee == pytest.approx(56.5) and items.commission == 0.0


@given(notional=st.floats(0.0, 1e9), fees=st.sampled_from([F, OLD_CCASS]))
def test_the_total_is_the_sum_of_the_items_to_the_last_bit(
    notional: float, fees: FeeSchedule
) -> None:
    items = fees.hk_costs(notional)
    added = items.stamp_duty + items.sfc_levy + items.afrc_levy + items.trading_fee
    assert fees.hk_cost_hkd(notional) == items.total == added + items.settlement + items.commission


def test_stamp_duty_is_per_contract_rounded_up_to_the_whole_dollar() -> None:
    assert stamp_duty_hkd(123_456, 0.001) == 124.0  # 123.456 -> 124
    assert stamp_duty_hkd(780_000, 0.001) == 780.0  # exact: no dollar from binary noise
    assert stamp_duty_hkd(1_000.01, 0.001) == 2.0  # HK$1 per HK$1,000 or part thereof
    assert stamp_duty_hkd(999.99, 0.001) == 1.0
    assert stamp_duty_hkd(100_000, 0.0013) == 130.0  # the 2021-2023 rate
    assert stamp_duty_hkd(0.0, 0.001) == 0.0


def _decimal_rounded_then_ceiled(duty: float) -> float:
    """The definition the fast form must match: round to 1e-6 HK$, then up to the dollar."""
    return float(math.ceil(round(duty, 6)))


@given(
    whole=st.integers(0, 10**9),
    fraction=st.one_of(
        st.floats(0.0, 1.0, exclude_max=True),
        st.floats(0.0, 2e-6),  # around the 5e-7 boundary that rounds down
        st.floats(1.0 - 2e-6, 1.0, exclude_max=True),
    ),
)
def test_stamp_duty_rounds_exactly_as_round_to_micro_dollars_then_ceil(
    whole: int, fraction: float
) -> None:
    duty = whole + fraction
    assert stamp_duty_hkd(duty, 1.0) == _decimal_rounded_then_ceiled(duty)


@given(notional=st.floats(0.0, 1e12), rate=st.sampled_from([0.001, 0.0013, 0.001_5]))
def test_stamp_duty_matches_the_definition_on_real_products(notional: float, rate: float) -> None:
    assert stamp_duty_hkd(notional, rate) == _decimal_rounded_then_ceiled(notional * rate)


def test_stamp_duty_at_the_half_micro_dollar_boundary() -> None:
    below, above = 1.0 + 4.999_999e-7, 1.0 + 5.000_001e-7
    assert stamp_duty_hkd(below, 1.0) == 1.0 == _decimal_rounded_then_ceiled(below)
    assert stamp_duty_hkd(above, 1.0) == 2.0 == _decimal_rounded_then_ceiled(above)
    assert math.isnan(stamp_duty_hkd(math.nan, 0.001))
    assert stamp_duty_hkd(math.inf, 0.001) == math.inf


def test_old_ccass_minimum_and_maximum() -> None:
    # 50,000 HKD: CCASS 1.00 -> minimum 2.00; levies and trading fee
    # 50,000 * (0.0027 + 0.00015 + 0.00565) % = 4.25; stamp 50 -> 56.25
    assert OLD_CCASS.hk_cost_hkd(50_000) == pytest.approx(50 + 4.25 + 2.0, abs=1e-9)
    # 10,000,000 HKD: CCASS 200 -> maximum 100; stamp 10,000; levies 850
    assert OLD_CCASS.hk_cost_hkd(10_000_000) == pytest.approx(10_000 + 850 + 100, abs=1e-9)


def test_a_minimum_or_maximum_of_none_is_switched_off() -> None:
    no_bounds = FeeSchedule(hk_settlement_rate=0.00002)
    assert no_bounds.hk_costs(50_000).settlement == pytest.approx(1.0)
    assert no_bounds.hk_costs(10_000_000).settlement == pytest.approx(200.0)
    uncapped = FeeSchedule(us_finra_taf_max_usd=None)
    assert uncapped.finra_taf_usd(100_000) == pytest.approx(19.5)


def test_sec_fee_and_finra_taf_on_sells() -> None:
    # 1,000 ADS sold for US$1,000,000: SEC 20.60; TAF 1,000 * 0.000195 = 0.195
    assert F.us_sell_cost_usd(1_000, 1_000_000) == pytest.approx(20.60 + 0.195, abs=1e-9)


def test_finra_taf_is_capped() -> None:
    # 100,000 ADS: 19.50 -> cap 9.79; proceeds 1,500,000 -> SEC 30.90
    assert F.us_sell_cost_usd(100_000, 1_500_000) == pytest.approx(9.79 + 30.90, abs=1e-9)


def test_buys_pay_no_sec_fee_or_taf() -> None:
    assert F.us_buy_cost_usd(10_000) == 0.0


def test_commissions_with_minimums_and_maximums() -> None:
    fees = FeeSchedule(
        hk_commission_rate=0.0003,
        hk_commission_min_hkd=50,
        hk_commission_max_hkd=1_000,
        us_commission_per_share=0.005,
        us_commission_min_usd=1.0,
        us_commission_max_usd=20.0,
    )
    # HK 100,000: commission 30 -> minimum 50; stamp 100; levies 8.50; HKSCC 4.20
    assert fees.hk_cost_hkd(100_000) == pytest.approx(100 + 8.5 + 4.2 + 50.0, abs=1e-9)
    assert fees.hk_costs(10_000_000).commission == 1_000.0  # 3,000 -> maximum 1,000
    assert fees.us_buy_cost_usd(100) == pytest.approx(1.0)  # 0.50 -> minimum 1.00
    assert fees.us_buy_cost_usd(1_000) == pytest.approx(5.0)
    assert fees.us_buy_cost_usd(10_000) == pytest.approx(20.0)  # 50 -> maximum 20
