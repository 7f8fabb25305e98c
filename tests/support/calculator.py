"""The production :class:`~monitor.core.premium.PremiumCalculator` behind one-call
signatures, so hand-checked and property tests read like the definitions they check."""

from __future__ import annotations

from monitor.core.fees import FeeSchedule
from monitor.core.premium import PremiumCalculator


def mid_premium(us_mid: float, fx_mid: float, hk_mid: float, ratio: float) -> float:
    """The calculator's mid premium (costs play no part in it)."""
    return PremiumCalculator(ratio, FeeSchedule(), 100_000).mid(us_mid, fx_mid, hk_mid)


def edge_buy_hk_sell_us(
    us_bid: float, hk_ask: float, fx_bid: float, ratio: float, fees: FeeSchedule, n: float
) -> float:
    """The calculator's buy-HK / sell-US edge at notional ``n`` USD."""
    return PremiumCalculator(ratio, fees, n).buy_hk_sell_us(us_bid, hk_ask, fx_bid)


def edge_buy_us_sell_hk(
    us_ask: float, hk_bid: float, fx_ask: float, ratio: float, fees: FeeSchedule, n: float
) -> float:
    """The calculator's buy-US / sell-HK edge at notional ``n`` USD."""
    return PremiumCalculator(ratio, fees, n).buy_us_sell_hk(us_ask, hk_bid, fx_ask)
