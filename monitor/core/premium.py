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


class EdgeCalculator:
    """Both executable edges of one pair with the fee constants folded in (the hot path).

    Gives the same numbers as :func:`edge_buy_hk_sell_us` and :func:`edge_buy_us_sell_hk`
    (a property test holds them together) at a fraction of the cost per call.
    """

    __slots__ = (
        "_cancel",
        "_hk_comm_min",
        "_hk_comm_rate",
        "_hk_rate",
        "_issue",
        "_notional",
        "_ratio",
        "_sec",
        "_settle_max",
        "_settle_min",
        "_settle_rate",
        "_taf",
        "_taf_max",
        "_us_comm",
        "_us_comm_min",
    )

    def __init__(self, ratio: float, fees: FeeSchedule, notional_usd: float) -> None:
        self._ratio = ratio
        self._notional = notional_usd
        self._hk_rate = (
            fees.hk_stamp_duty_rate
            + fees.hk_sfc_levy_rate
            + fees.hk_afrc_levy_rate
            + fees.hk_trading_fee_rate
            + fees.conversion_stamp_duty_rate
        )
        self._settle_rate = fees.hk_settlement_rate
        self._settle_min = fees.hk_settlement_min_hkd
        self._settle_max = fees.hk_settlement_max_hkd
        self._hk_comm_rate = fees.hk_commission_rate
        self._hk_comm_min = fees.hk_commission_min_hkd
        self._sec = fees.us_sec_fee_rate
        self._taf = fees.us_finra_taf_per_share
        self._taf_max = fees.us_finra_taf_max_usd
        self._us_comm = fees.us_commission_per_share
        self._us_comm_min = fees.us_commission_min_usd
        self._issue = fees.ads_issue_fee_usd
        self._cancel = fees.ads_cancel_fee_usd

    def _hk_costs(self, notional: float) -> float:
        settle = notional * self._settle_rate
        settle = self._settle_min if settle < self._settle_min else settle
        settle = self._settle_max if settle > self._settle_max else settle
        comm = notional * self._hk_comm_rate
        comm = self._hk_comm_min if comm < self._hk_comm_min else comm
        return notional * self._hk_rate + settle + comm

    def edges(
        self,
        us_bid: float,
        us_ask: float,
        hk_bid: float,
        hk_ask: float,
        fx_bid: float,
        fx_ask: float,
    ) -> tuple[float, float]:
        """(buy_hk_sell_us, buy_us_sell_hk) net edges as ratios of the HK notional."""
        notional, ratio = self._notional, self._ratio
        # buy HK, deposit, sell ADS
        ads = notional / us_bid
        hk_notional = ads * ratio * hk_ask
        taf = ads * self._taf
        taf = self._taf_max if taf > self._taf_max else taf
        comm = ads * self._us_comm
        comm = self._us_comm_min if comm < self._us_comm_min else comm
        us_costs = notional * self._sec + taf + comm + ads * self._issue
        received = (notional - us_costs) * fx_bid
        a = (received - hk_notional - self._hk_costs(hk_notional)) / hk_notional
        # buy ADS, cancel, sell HK
        ads = notional / us_ask
        comm = ads * self._us_comm
        comm = self._us_comm_min if comm < self._us_comm_min else comm
        paid = (notional + comm + ads * self._cancel) * fx_ask
        hk_notional = ads * ratio * hk_bid
        b = (hk_notional - self._hk_costs(hk_notional) - paid) / hk_notional
        return a, b
