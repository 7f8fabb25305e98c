"""ADS-adjusted premium of a US line over its HK line (DESIGN.md, "Premium definitions").

Notation: ``r`` HK ordinary shares per ADS, FX in HKD per USD, HK prices in HKD, US in USD.
The HK-equivalent price of one HK share implied by the ADS is ``P_us * FX / r``.
All results are ratios (0.0123 = 1.23 %).
"""

from __future__ import annotations

from monitor.core.fees import FeeSchedule


def hk_equivalent(us_price: float, fx: float, ratio: float) -> float:
    """HKD per HK share implied by an ADS price ``us_price`` (USD)."""
    return us_price * fx / ratio


def mid_premium(us_mid: float, fx_mid: float, hk_mid: float, ratio: float) -> float:
    """``(mid_us * mid_fx / r) / mid_hk - 1``: positive when the ADS is rich."""
    return (us_mid * fx_mid / ratio) / hk_mid - 1.0


def edge_buy_hk_sell_us(
    us_bid: float,
    hk_ask: float,
    fx_bid: float,
    ratio: float,
    fees: FeeSchedule,
    notional_usd: float,
) -> float:
    """Net edge of buying HK shares, depositing them for ADS and selling the ADS.

    For ``n = notional_usd / us_bid`` ADS: buy ``n * r`` HK shares at the HK ask (HK costs),
    pay the issuance fee per ADS, sell the ADS at the US bid (SEC fee, FINRA TAF), and sell
    the USD proceeds at the FX bid. Returns the HKD profit as a ratio of the HK notional.
    """
    ads = notional_usd / us_bid
    hk_notional = ads * ratio * hk_ask
    hk_costs = fees.hk_cost_hkd(hk_notional) + hk_notional * fees.conversion_stamp_duty_rate
    proceeds_usd = ads * us_bid
    us_costs = fees.us_sell_cost_usd(ads, proceeds_usd) + ads * fees.ads_issue_fee_usd
    received_hkd = (proceeds_usd - us_costs) * fx_bid
    return (received_hkd - hk_notional - hk_costs) / hk_notional


def edge_buy_us_sell_hk(
    us_ask: float,
    hk_bid: float,
    fx_ask: float,
    ratio: float,
    fees: FeeSchedule,
    notional_usd: float,
) -> float:
    """Net edge of buying ADS, cancelling them for HK shares and selling those in HK.

    For ``n = notional_usd / us_ask`` ADS: buy at the US ask plus commission and the
    cancellation fee per ADS, paid with USD bought at the FX ask; sell ``n * r`` HK shares
    at the HK bid (HK costs). Returns the HKD profit as a ratio of the HK notional.
    """
    ads = notional_usd / us_ask
    paid_usd = ads * us_ask + fees.us_buy_cost_usd(ads) + ads * fees.ads_cancel_fee_usd
    paid_hkd = paid_usd * fx_ask
    hk_notional = ads * ratio * hk_bid
    hk_costs = fees.hk_cost_hkd(hk_notional) + hk_notional * fees.conversion_stamp_duty_rate
    return (hk_notional - hk_costs - paid_hkd) / hk_notional
