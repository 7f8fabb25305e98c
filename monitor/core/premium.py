"""ADS-adjusted premium of a US line over its HK line: the one place its formulas live.

Notation (DESIGN.md, "Premium definitions"): ``r`` HK ordinary shares per ADS, FX in
HKD per USD, HK prices in HKD, US prices in USD, ``N`` the notional in USD at which the
executable edges are costed. All results are ratios (0.0123 = 1.23 %).

- HK-equivalent price of one HK share implied by the ADS: ``P_us * FX / r``.
- ``mid``: ``(mid_us * mid_fx / r) / mid_hk - 1``; positive when the ADS is rich.
- ``buy_hk_sell_us``: ``n = N / us_bid`` ADS; buy ``n * r`` HK shares at the HK ask (HK
  costs), deposit them for ADS (issuance fee per ADS), sell the ADS at the US bid (SEC
  fee, FINRA TAF, commission), sell the USD at the FX bid; the HKD profit as a ratio of
  the HK notional.
- ``buy_us_sell_hk``: ``n = N / us_ask`` ADS bought (commission, cancellation fee per
  ADS) with USD bought at the FX ask; cancel them for ``n * r`` HK shares and sell those
  at the HK bid (HK costs); the HKD profit as a ratio of the HK notional.

The costs of each side come from :class:`~monitor.core.fees.FeeSchedule`, their owner.
"""

from __future__ import annotations

from monitor.core.fees import FeeSchedule

NAN = float("nan")

Prices = tuple[float, float, float]
"""What one leg contributes: (mid, bid, ask) in its native currency (NaN where unknown)."""

Premiums = tuple[float, float, float]
"""(mid, buy_hk_sell_us, buy_us_sell_hk) as ratios (NaN where undefined)."""


def hk_equivalent(us_price: float, fx: float, ratio: float) -> float:
    """HKD per HK share implied by an ADS price ``us_price`` (USD)."""
    return us_price * fx / ratio


class PremiumCalculator:
    """The mid premium and both executable edges of one pair (ratio, costs, notional)."""

    __slots__ = ("fees", "notional_usd", "ratio")

    def __init__(self, ratio: float, fees: FeeSchedule, notional_usd: float) -> None:
        self.ratio = ratio
        self.fees = fees
        self.notional_usd = notional_usd

    def mid(self, us_mid: float, fx_mid: float, hk_mid: float) -> float:
        """``(mid_us * mid_fx / r) / mid_hk - 1``: positive when the ADS is rich."""
        return hk_equivalent(us_mid, fx_mid, self.ratio) / hk_mid - 1.0

    def buy_hk_sell_us(self, us_bid: float, hk_ask: float, fx_bid: float) -> float:
        """Net edge of buying HK shares, depositing them for ADS and selling the ADS."""
        fees = self.fees
        ads = self.notional_usd / us_bid
        hk_notional = ads * self.ratio * hk_ask
        proceeds_usd = ads * us_bid
        us_costs = fees.us_sell_cost_usd(ads, proceeds_usd) + fees.ads_issue_cost_usd(ads)
        received_hkd = (proceeds_usd - us_costs) * fx_bid
        return (received_hkd - hk_notional - self._hk_costs(hk_notional)) / hk_notional

    def buy_us_sell_hk(self, us_ask: float, hk_bid: float, fx_ask: float) -> float:
        """Net edge of buying ADS, cancelling them for HK shares and selling those in HK."""
        fees = self.fees
        ads = self.notional_usd / us_ask
        paid_usd = ads * us_ask + fees.us_buy_cost_usd(ads) + fees.ads_cancel_cost_usd(ads)
        paid_hkd = paid_usd * fx_ask
        hk_notional = ads * self.ratio * hk_bid
        return (hk_notional - self._hk_costs(hk_notional) - paid_hkd) / hk_notional

    def _hk_costs(self, notional_hkd: float) -> float:
        return self.fees.hk_cost_hkd(notional_hkd) + self.fees.conversion_cost_hkd(notional_hkd)

    def mid_of(self, us: Prices, hk: Prices, fx_mid: float) -> float:
        """The mid premium from (mid, bid, ask) of the equity legs; NaN without a mid."""
        if not (us[0] > 0 and hk[0] > 0 and fx_mid > 0):  # False for NaN too
            return NAN
        return self.mid(us[0], fx_mid, hk[0])

    def premiums(self, us: Prices, hk: Prices, fx: Prices) -> Premiums:
        """All three bases from (mid, bid, ask) of each leg; NaN where a price is missing.

        The mid premium needs the three mids; the edges need every bid and ask.
        """
        mid = self.mid_of(us, hk, fx[0])
        if mid != mid or not all(x > 0 for x in (us[1], us[2], hk[1], hk[2], fx[1], fx[2])):
            return mid, NAN, NAN
        a = self.buy_hk_sell_us(us[1], hk[2], fx[1])
        return mid, a, self.buy_us_sell_hk(us[2], hk[1], fx[2])


__all__ = ["Premiums", "PremiumCalculator", "Prices", "hk_equivalent"]
