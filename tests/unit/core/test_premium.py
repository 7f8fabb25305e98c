"""PremiumCalculator against hand-checked values (DOMAIN.md prospectus fixtures)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from monitor.core.fees import FeeSchedule
from monitor.core.premium import PremiumCalculator, hk_equivalent
from tests.support.calculator import edge_buy_hk_sell_us, edge_buy_us_sell_hk, mid_premium

NO_FEES = FeeSchedule(
    hk_stamp_duty_rate=0,
    hk_sfc_levy_rate=0,
    hk_afrc_levy_rate=0,
    hk_trading_fee_rate=0,
    hk_settlement_rate=0,
    hk_settlement_min_hkd=0,
    hk_settlement_max_hkd=0,
    us_sec_fee_rate=0,
    us_finra_taf_per_share=0,
    us_finra_taf_max_usd=0,
    ads_issue_fee_usd=0,
    ads_cancel_fee_usd=0,
)
NAN = float("nan")


def test_li_auto_prospectus_parity() -> None:
    # Li Auto 2022: HK$158.30 per share = US$40.42 per ADS at 7.8325 HKD/USD, 2 shares/ADS.
    # 40.42 * 7.8325 / 2 = 316.58965 / 2 = 158.294825
    assert hk_equivalent(40.42, 7.8325, 2) == pytest.approx(158.294825, abs=1e-9)
    premium = mid_premium(40.42, 7.8325, 158.30, 2)
    assert premium == pytest.approx(158.294825 / 158.30 - 1, abs=1e-12)
    assert abs(premium) < 0.5e-4  # parity to the rounding of the quoted prices


def test_alibaba_prospectus_parity() -> None:
    # Alibaba 2019: US$186.97 per ADS = HK$182.89 per share at 7.8256 HKD/USD, 8 shares/ADS.
    # 186.97 * 7.8256 = 1463.152432; / 8 = 182.894054
    assert hk_equivalent(186.97, 7.8256, 8) == pytest.approx(182.894054, abs=1e-6)
    assert abs(mid_premium(186.97, 7.8256, 182.89, 8)) < 0.5e-4


def test_mid_premium_sign_ads_rich() -> None:
    # PONY 1:1, ADS US$15.50 at 7.80 = HK$120.90 vs HK$118.50: ADS rich by 2.0253 %.
    assert mid_premium(15.50, 7.80, 118.50, 1) == pytest.approx(120.90 / 118.50 - 1, rel=1e-12)
    assert mid_premium(15.50, 7.80, 118.50, 1) == pytest.approx(0.0202532, abs=1e-7)


def test_buy_hk_sell_us_edge_with_default_costs() -> None:
    # US bid 15.00, HK ask 117.00, FX bid 7.80, ratio 1, US$100k: gross edge exactly 0.
    # n = 6666.667 ADS; base = HK notional = 780,000 HKD
    # HK costs: stamp 780,000 * 0.1 % = 780 (whole dollars already)
    #           + 780,000 * (0.0027 % + 0.00015 % + 0.00565 %) = 66.30
    #           + HKSCC 780,000 * 0.0042 % = 32.76 (no minimum or maximum) -> 879.06
    # US costs: SEC 100,000 * 20.60e-6 = 2.06; TAF 6666.667 * 0.000195 = 1.30;
    #           issuance 6666.667 * 0.05 = 333.333                         -> 336.693
    # HKD received = (100,000 - 336.693) * 7.80 = 777,373.792
    # edge = (777,373.792 - 780,000 - 879.06) / 780,000 = -3,505.268 / 780,000
    edge = edge_buy_hk_sell_us(15.00, 117.00, 7.80, 1, FeeSchedule(), 100_000)
    assert edge == pytest.approx(-3505.268 / 780_000, abs=1e-10)


def test_buy_us_sell_hk_edge_with_default_costs() -> None:
    # US ask 15.00, HK bid 117.50, FX ask 7.80, ratio 1, US$100k.
    # base = N * fx_ask = 780,000 HKD spent on the ADS
    # HKD paid = (100,000 + cancellation 6666.667 * 0.05 = 333.333) * 7.80 = 782,600.000
    # HK sold = 6666.667 * 117.50 = 783,333.333
    # HK costs = stamp ceil(783.333) = 784 + 783,333.333 * 0.000085 = 66.583 + HKSCC
    #            783,333.333 * 0.000042 = 32.900 -> 883.483
    # edge = (783,333.333 - 883.483 - 782,600) / 780,000 = -150.15 / 780,000
    edge = edge_buy_us_sell_hk(15.00, 117.50, 7.80, 1, FeeSchedule(), 100_000)
    assert edge == pytest.approx(-150.15 / 780_000, abs=1e-10)


def test_edges_without_costs_are_the_gross_cross_prices() -> None:
    assert edge_buy_hk_sell_us(15.2, 117.9, 7.79, 1, NO_FEES, 50_000) == pytest.approx(
        15.2 * 7.79 / 117.9 - 1, rel=1e-12
    )
    # buy-US edge: the return on N * fx_ask, r * hk_bid / (us_ask * fx_ask) - 1 exactly
    assert edge_buy_us_sell_hk(15.3, 118.1, 7.81, 1, NO_FEES, 50_000) == pytest.approx(
        118.1 / (15.3 * 7.81) - 1, abs=1e-15
    )
    assert edge_buy_us_sell_hk(80.0, 79.0, 7.80, 8, NO_FEES, 100_000) == pytest.approx(
        8 * 79.0 / (80.0 * 7.80) - 1, abs=1e-15
    )


def test_buy_us_edge_is_the_return_on_the_usd_spent_not_on_the_hk_proceeds() -> None:
    # r * hk_bid / (us_ask * fx_ask) = 79.95 / 78 = 1.025: a 2.5 % edge. Dividing by the HK
    # proceeds (the old convention) gave 0.025 / 1.025 = 2.439 %, 6 bp short.
    edge = edge_buy_us_sell_hk(10.0, 79.95, 7.80, 1, NO_FEES, 100_000)
    assert edge == pytest.approx(0.025, abs=1e-15)
    assert edge - 0.025 / 1.025 == pytest.approx(0.000609756, abs=1e-9)


def test_ratio_scales_the_hk_equivalent() -> None:
    # BABA 8:1 at US$80 and 7.80 -> HK$78 per share; 8 x the HK price = one ADS in HKD.
    assert hk_equivalent(80.0, 7.80, 8) == pytest.approx(78.0)
    fees = FeeSchedule()
    one = edge_buy_hk_sell_us(80.0, 78.0, 7.80, 8, fees, 100_000)
    # per-ADS issuance fee is spread over 8 shares: cheaper per HK dollar than at 1:1
    other = edge_buy_hk_sell_us(10.0, 78.0, 7.80, 1, fees, 100_000)
    assert one > other


def test_conversion_stamp_duty_setting_costs_its_rate() -> None:
    base = FeeSchedule()
    taxed = dataclasses.replace(base, conversion_stamp_duty_rate=0.001)
    a = edge_buy_hk_sell_us(15.0, 117.0, 7.80, 1, base, 100_000)
    b = edge_buy_hk_sell_us(15.0, 117.0, 7.80, 1, taxed, 100_000)
    assert a - b == pytest.approx(0.001, abs=1e-12)


def test_premiums_of_the_three_legs_match_each_basis() -> None:
    calc = PremiumCalculator(1, FeeSchedule(), 100_000)
    us, hk, fx = (15.01, 15.00, 15.02), (117.25, 117.00, 117.50), (7.80, 7.80, 7.80)
    mid, a, b = calc.premiums(us, hk, fx)
    assert mid == calc.mid(15.01, 7.80, 117.25)
    assert a == calc.buy_hk_sell_us(15.00, 117.50, 7.80)
    assert b == calc.buy_us_sell_hk(15.02, 117.00, 7.80)


def test_premiums_without_a_price_are_nan_never_a_number() -> None:
    calc = PremiumCalculator(1, FeeSchedule(), 100_000)
    quoted = (15.01, 15.00, 15.02)
    mids_only = (15.01, NAN, NAN)
    fx = (7.80, 7.79, 7.81)
    assert all(math.isnan(v) for v in calc.premiums((NAN, NAN, NAN), quoted, fx))
    assert all(math.isnan(v) for v in calc.premiums(quoted, quoted, (0.0, 0.0, 0.0)))
    mid, a, b = calc.premiums(mids_only, (117.25, 117.0, 117.5), fx)
    assert mid == calc.mid(15.01, 7.80, 117.25) and math.isnan(a) and math.isnan(b)
    assert math.isnan(calc.mid_of(quoted, (NAN, NAN, NAN), 7.8))
