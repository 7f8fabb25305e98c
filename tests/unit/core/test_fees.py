"""Each fee of the default schedule (DOMAIN.md), by hand."""

from __future__ import annotations

import pytest

from monitor.core.fees import FeeSchedule

F = FeeSchedule()


def test_hk_costs_on_a_mid_sized_trade() -> None:
    # 1,000,000 HKD: stamp 1,000 + SFC 27 + AFRC 1.5 + trading 56.5 + CCASS 20 = 1,105.00
    assert F.hk_cost_hkd(1_000_000) == pytest.approx(1105.0, abs=1e-9)


def test_ccass_minimum_and_maximum() -> None:
    # 50,000 HKD: CCASS 1.00 -> minimum 2.00; proportional 50,000 * 0.001085 = 54.25
    assert F.hk_cost_hkd(50_000) == pytest.approx(54.25 + 2.0, abs=1e-9)
    # 10,000,000 HKD: CCASS 200 -> maximum 100; proportional 10,850
    assert F.hk_cost_hkd(10_000_000) == pytest.approx(10_850 + 100.0, abs=1e-9)


def test_stamp_duty_is_ten_basis_points() -> None:
    only_stamp = FeeSchedule(
        hk_sfc_levy_rate=0,
        hk_afrc_levy_rate=0,
        hk_trading_fee_rate=0,
        hk_settlement_rate=0,
        hk_settlement_min_hkd=0,
        hk_settlement_max_hkd=0,
    )
    assert only_stamp.hk_cost_hkd(123_456) == pytest.approx(123.456, abs=1e-9)


def test_sec_fee_and_finra_taf_on_sells() -> None:
    # 1,000 ADS sold for US$1,000,000: SEC 20.60; TAF 1,000 * 0.000195 = 0.195
    assert F.us_sell_cost_usd(1_000, 1_000_000) == pytest.approx(20.60 + 0.195, abs=1e-9)


def test_finra_taf_is_capped() -> None:
    # 100,000 ADS: 19.50 -> cap 9.79; proceeds 1,500,000 -> SEC 30.90
    assert F.us_sell_cost_usd(100_000, 1_500_000) == pytest.approx(9.79 + 30.90, abs=1e-9)


def test_buys_pay_no_sec_fee_or_taf() -> None:
    assert F.us_buy_cost_usd(10_000) == 0.0


def test_commissions_with_minimums() -> None:
    fees = FeeSchedule(
        hk_commission_rate=0.0003,
        hk_commission_min_hkd=50,
        us_commission_per_share=0.005,
        us_commission_min_usd=1.0,
    )
    # HK 100,000: commission 30 -> minimum 50; proportional 108.50; CCASS 2.00
    assert fees.hk_cost_hkd(100_000) == pytest.approx(108.5 + 2.0 + 50.0, abs=1e-9)
    assert fees.us_buy_cost_usd(100) == pytest.approx(1.0)  # 0.50 -> minimum 1.00
    assert fees.us_buy_cost_usd(1_000) == pytest.approx(5.0)
