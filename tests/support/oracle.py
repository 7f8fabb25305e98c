"""Independent premium formulas for tests, written from DESIGN.md's definitions.

Production computes premiums in :class:`monitor.core.premium.PremiumCalculator`; tests
check it (and everything that wires it: engine, API, replay) against these plain
re-derivations. Costs come from :class:`~monitor.core.fees.FeeSchedule`, tested on its own.
"""

from __future__ import annotations

from monitor.core.fees import FeeSchedule


def mid_premium(us_mid: float, fx_mid: float, hk_mid: float, ratio: float) -> float:
    """``(mid_us * mid_fx / r) / mid_hk - 1``."""
    return (us_mid * fx_mid / ratio) / hk_mid - 1.0


def edge_buy_hk_sell_us(
    us_bid: float, hk_ask: float, fx_bid: float, ratio: float, fees: FeeSchedule, notional: float
) -> float:
    """Buy n*r HK shares at the ask, deposit (issuance fee), sell n ADS at the bid, sell USD."""
    n = notional / us_bid
    hk_paid = n * ratio * hk_ask
    hk_costs = fees.hk_cost_hkd(hk_paid) + hk_paid * fees.conversion_stamp_duty_rate
    usd_kept = n * us_bid - fees.us_sell_cost_usd(n, n * us_bid) - n * fees.ads_issue_fee_usd
    return (usd_kept * fx_bid - hk_paid - hk_costs) / hk_paid


def edge_buy_us_sell_hk(
    us_ask: float, hk_bid: float, fx_ask: float, ratio: float, fees: FeeSchedule, notional: float
) -> float:
    """Buy n ADS at the ask with USD bought at the FX ask, cancel, sell n*r HK shares."""
    n = notional / us_ask
    hkd_paid = (n * us_ask + fees.us_buy_cost_usd(n) + n * fees.ads_cancel_fee_usd) * fx_ask
    hk_received = n * ratio * hk_bid
    hk_costs = fees.hk_cost_hkd(hk_received) + hk_received * fees.conversion_stamp_duty_rate
    return (hk_received - hk_costs - hkd_paid) / hk_received
