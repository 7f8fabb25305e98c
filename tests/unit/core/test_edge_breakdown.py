"""The PONY worked example of docs/costs.md: every cost of both edges in HKD, by hand."""

from __future__ import annotations

import pytest

from monitor.core.fees import FeeSchedule
from monitor.core.premium import COST_ITEMS, PremiumCalculator
from tests.support import oracle

# PONY 1:1, US$100,000: US 15.20 / 15.22, HK 118.40 / 118.50, USD/HKD 7.7810 / 7.7814
US, HK, FX = (15.21, 15.20, 15.22), (118.45, 118.40, 118.50), (7.7812, 7.7810, 7.7814)
CALC = PremiumCalculator(1, FeeSchedule(), 100_000)


def test_buy_hk_sell_us_item_by_item() -> None:
    b = CALC.breakdown_buy_hk_sell_us(US, HK, FX)
    # n = 100,000 / 15.20 = 6,578.947 ADS; base = 6,578.947 * 118.50 = 779,605.263 HKD
    assert b.ads == pytest.approx(6578.947368, abs=1e-6)
    assert b.base_hkd == pytest.approx(779_605.263158, abs=1e-6)
    c = b.costs_hkd
    assert c["stamp_duty"] == 780.0  # ceil(779.605)
    assert c["sfc_levy"] == pytest.approx(21.049342, abs=1e-6)  # * 0.0027 %
    assert c["afrc_levy"] == pytest.approx(1.169408, abs=1e-6)  # * 0.00015 %
    assert c["trading_fee"] == pytest.approx(44.047697, abs=1e-6)  # * 0.00565 %
    assert c["settlement"] == pytest.approx(32.743421, abs=1e-6)  # * 0.0042 %
    assert c["sec_fee"] == pytest.approx(2.06 * 7.7810, abs=1e-9)  # US$2.06 at the FX bid
    assert c["finra_taf"] == pytest.approx(6578.947368 * 0.000195 * 7.7810, abs=1e-6)
    assert c["depositary"] == pytest.approx(6578.947368 * 0.05 * 7.7810, abs=1e-5)  # 2,559.54
    assert c["fx_spread"] == pytest.approx(100_000 * 0.0002, abs=1e-6)  # 20.00
    assert c["hk_commission"] == c["us_commission"] == c["conversion_stamp_duty"] == 0.0
    # gross at the FX mid: 778,120 - 779,605.263 = -1,485.263; costs 3,484.560
    assert b.gross_hkd == pytest.approx(-1485.263158, abs=1e-6)
    assert b.total_cost_hkd == pytest.approx(3484.560406, abs=1e-6)
    assert b.pnl_hkd == pytest.approx(-4969.823564, abs=1e-6)
    assert b.edge == pytest.approx(-4969.823564 / 779_605.263158, abs=1e-12)
    assert b.edge == pytest.approx(CALC.buy_hk_sell_us(15.20, 118.50, 7.7810), abs=1e-15)


def test_buy_us_sell_hk_item_by_item() -> None:
    b = CALC.breakdown_buy_us_sell_hk(US, HK, FX)
    # n = 100,000 / 15.22 = 6,570.302 ADS; base = 100,000 * 7.7814 = 778,140 HKD spent;
    # HK sold = 6,570.302 * 118.40 = 777,923.784 HKD
    assert b.base_hkd == pytest.approx(778_140.0, abs=1e-9)
    c = b.costs_hkd
    assert c["stamp_duty"] == 778.0  # ceil(777.924)
    assert c["settlement"] == pytest.approx(777_923.784494 * 0.000042, abs=1e-6)
    assert c["depositary"] == pytest.approx(6570.302234 * 0.05 * 7.7814, abs=1e-5)  # 2,556.31
    assert c["fx_spread"] == pytest.approx(20.0, abs=1e-6)
    assert c["sec_fee"] == c["finra_taf"] == 0.0  # buying in the US
    assert b.gross_hkd == pytest.approx(777_923.784494 - 778_120, abs=1e-6)  # -196.216
    assert b.pnl_hkd == pytest.approx(-3649.319317, abs=1e-6)
    assert b.edge == pytest.approx(-3649.319317 / 778_140, abs=1e-12)  # -0.4690 %
    assert b.edge == pytest.approx(CALC.buy_us_sell_hk(15.22, 118.40, 7.7814), abs=1e-15)


def test_breakdowns_agree_with_the_independent_oracle() -> None:
    fees = FeeSchedule(hk_commission_rate=0.0003, us_commission_per_share=0.005)
    calc = PremiumCalculator(8, fees, 250_000)
    us, hk, fx = (80.1, 80.0, 80.2), (78.1, 78.0, 78.2), (7.80, 7.79, 7.81)
    a, b = calc.breakdowns(us, hk, fx) or ((), ())
    assert a.edge == pytest.approx(  # type: ignore[union-attr]
        oracle.edge_buy_hk_sell_us(80.0, 78.2, 7.79, 8, fees, 250_000), abs=1e-14
    )
    assert b.edge == pytest.approx(  # type: ignore[union-attr]
        oracle.edge_buy_us_sell_hk(80.2, 78.0, 7.81, 8, fees, 250_000), abs=1e-14
    )
    assert list(a.costs_hkd) == list(COST_ITEMS)  # type: ignore[union-attr]


def test_no_breakdown_without_every_price() -> None:
    nan = float("nan")
    assert CALC.breakdowns(US, (nan, nan, nan), FX) is None


def test_implied_fx_is_the_rate_at_parity() -> None:
    # 1 * 118.45 / 15.21 = 7.787640; at that rate the mid premium is zero
    fx = CALC.implied_fx(15.21, 118.45)
    assert fx == pytest.approx(7.7876397107, abs=1e-9)
    assert CALC.mid(15.21, fx, 118.45) == pytest.approx(0.0, abs=1e-15)
    assert PremiumCalculator(8, FeeSchedule(), 1).implied_fx(80.0, 78.0) == pytest.approx(7.8)
    assert CALC.implied_fx(float("nan"), 118.45) != CALC.implied_fx(float("nan"), 118.45)
