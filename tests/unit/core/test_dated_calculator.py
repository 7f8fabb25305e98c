"""The premium follows the ratio and the costs in force on the snapshot's (UTC) day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.core.fee_table import default_fee_table
from monitor.core.instruments import Instrument, Pair, RatioRecord
from monitor.core.premium import PremiumCalculator
from tests.support import oracle

US = Instrument("ABC", "XNAS", "USD")
HK = Instrument("9999.HK", "XHKG", "HKD")
FX = Instrument("USDHKD", "FX", "HKD")
RATIOS = (
    RatioRecord(2, date(2020, 1, 1), "old", "V"),
    RatioRecord(4, date(2026, 4, 4), "new", "V"),
)
PAIR = Pair("ABC", US, HK, FX, ads_ratio=4, ratios=RATIOS, fee_table=default_fee_table())


def ns(day: str, hour: int = 14) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, hour, tzinfo=UTC).timestamp() * 1e9)


def test_ratio_and_costs_change_on_their_dates() -> None:
    calc = PremiumCalculator.of_pair(PAIR)
    before, on = calc.at(ns("2026-04-03")), calc.at(ns("2026-04-04"))
    assert (before.ratio, on.ratio) == (2, 4)
    assert (before.fees.us_sec_fee_rate, on.fees.us_sec_fee_rate) == (0.0, 20.60e-6)
    assert calc.at(ns("2026-04-05")).ratio == 4
    assert calc.at(ns("2019-06-01")).ratio == 2  # before the first record: the first


def test_a_day_is_cached_and_the_next_day_rebuilt() -> None:
    calc = PremiumCalculator.of_pair(PAIR)
    first = calc.at(ns("2026-05-01", 1))
    assert calc.at(ns("2026-05-01", 23)) is first
    assert calc.at(ns("2026-05-02", 0)) is not first


def test_edges_on_a_past_day_use_that_days_table() -> None:
    # 2025-06-01: SEC US$0 (holiday), HKSCC 0.002 % min 2 max 100, TAF 0.000166 cap 8.30
    calc = PremiumCalculator.of_pair(PAIR).at(ns("2025-06-01"))
    fees = calc.fees
    expected = oracle.edge_buy_hk_sell_us(80.0, 39.2, 7.80, 2, fees, 100_000)
    assert calc.buy_hk_sell_us(80.0, 39.2, 7.80) == pytest.approx(expected, abs=1e-14)
    # by hand: n = 1,250 ADS, base = 2,500 shares * 39.2 = 98,000 HKD; stamp 98;
    # levies 98,000 * 0.000085 = 8.33; HKSCC 1.96 -> minimum 2; US: SEC 0,
    # TAF 1,250 * 0.000166 = 0.2075, issuance 62.50 -> HKD (100,000 - 62.7075) * 7.80
    hand = ((100_000 - 62.7075) * 7.80 - 98_000 - 98 - 8.33 - 2) / 98_000
    assert calc.buy_hk_sell_us(80.0, 39.2, 7.80) == pytest.approx(hand, abs=1e-12)


def test_a_calculator_built_from_values_is_its_own_day() -> None:
    calc = PremiumCalculator(1, PAIR.fees, 100_000)
    assert calc.at(ns("2020-01-01")) is calc
