"""ADS-adjusted premium of a US line over its HK line: the one place its formulas live.

Notation (DESIGN.md, "Premium definitions"): ``r`` HK ordinary shares per ADS, FX in
HKD per USD, HK prices in HKD, US prices in USD, ``N`` the notional in USD at which the
executable edges are costed. All results are ratios (0.0123 = 1.23 %).

- HK-equivalent price of one HK share implied by the ADS: ``P_us * FX / r``.
- ``mid``: ``(mid_us * mid_fx / r) / mid_hk - 1``; positive when the ADS is rich.
- Implied FX: ``r * mid_hk / mid_us``, the USD/HKD at which the pair is at parity.
- **An edge is the return on the capital spent on the bought leg, in HKD** (quantities
  stay fractional: an edge is a ratio at a notional, not an order):

  - ``buy_hk_sell_us``: ``n = N / us_bid`` ADS; buy ``n * r`` HK shares at the HK ask
    (base = ``n * r * hk_ask``), deposit them for ADS (issuance fee per ADS), sell the
    ADS at the US bid (SEC fee, FINRA TAF, commission), sell the USD at the FX bid.
    P&L = ``(N - SEC - TAF - commission - issuance * n) * fx_bid - base - HK buy costs``.
  - ``buy_us_sell_hk``: ``n = N / us_ask`` ADS bought (commission, cancellation fee per
    ADS) with ``N * fx_ask`` HKD (base = ``N * fx_ask``); cancel them for ``n * r`` HK
    shares and sell those at the HK bid (HK sell costs). P&L = ``n * r * hk_bid - HK sell
    costs - (N + commission + cancellation * n) * fx_ask``. With zero costs the edge is
    ``r * hk_bid / (us_ask * fx_ask) - 1`` exactly.

  Edge = P&L / base.

The costs of each side come from :class:`~monitor.core.fees.FeeSchedule`, their owner;
the schedule and the ratio in force on a day come from the pair's dated records
(:meth:`PremiumCalculator.at`, cached per UTC day).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from monitor.core.fee_table import NS_PER_DAY, day_of
from monitor.core.fees import FeeSchedule, HkCosts

if TYPE_CHECKING:
    from monitor.core.instruments import Pair

NAN: Final = float("nan")
DAYS_KEPT: Final = 8  # calculators of distinct days kept per pair (today, window starts, replays)

Prices = tuple[float, float, float]
"""What one leg contributes: (mid, bid, ask) in its native currency (NaN where unknown)."""

Premiums = tuple[float, float, float]
"""(mid, buy_hk_sell_us, buy_us_sell_hk) as ratios (NaN where undefined)."""

COST_ITEMS = (
    "stamp_duty",
    "sfc_levy",
    "afrc_levy",
    "trading_fee",
    "settlement",
    "hk_commission",
    "conversion_stamp_duty",
    "sec_fee",
    "finra_taf",
    "depositary",
    "us_commission",
    "fx_spread",
)
"""The items of an edge's cost breakdown, in HKD (:class:`EdgeBreakdown`)."""


def hk_equivalent(us_price: float, fx: float, ratio: float) -> float:
    """HKD per HK share implied by an ADS price ``us_price`` (USD)."""
    return us_price * fx / ratio


def implied_fx(us_mid: float, hk_mid: float, ratio: float) -> float:
    """``r * hk_mid / us_mid``: the HKD per USD at which the pair is at parity."""
    return ratio * hk_mid / us_mid


@dataclass(frozen=True, slots=True)
class EdgeBreakdown:
    """One edge in HKD: gross at the FX mid, each cost, P&L, base and the edge.

    ``pnl_hkd = gross_hkd - sum(costs_hkd.values())`` and ``edge = pnl_hkd / base_hkd``.
    ``fx_spread`` is the cost of converting the notional at the FX bid/ask instead of
    the mid; US costs are converted at the FX rate the trade uses.
    """

    direction: str
    notional_usd: float
    ads: float
    hk_shares: float
    base_hkd: float
    gross_hkd: float
    costs_hkd: dict[str, float]
    pnl_hkd: float
    edge: float

    @property
    def total_cost_hkd(self) -> float:
        return sum(self.costs_hkd.values())


class PremiumCalculator:
    """The mid premium and both executable edges of one pair (ratio, costs, notional).

    Built from a :class:`~monitor.core.instruments.Pair` (:meth:`of_pair`), ``at(ts_ns)``
    gives the calculator of the ratio and costs in force on that UTC day (cached: the
    same object until the day changes); built from values, ``at`` returns itself.
    """

    __slots__ = ("_days", "_pair", "fees", "notional_usd", "ratio")

    def __init__(self, ratio: float, fees: FeeSchedule, notional_usd: float) -> None:
        self.ratio = ratio
        self.fees = fees
        self.notional_usd = notional_usd
        self._pair: Pair | None = None
        self._days: dict[int, PremiumCalculator] = {}  # epoch day -> its calculator

    @classmethod
    def of_pair(cls, pair: Pair) -> PremiumCalculator:
        """The dated calculator of ``pair`` (ratio and fees follow the event's day)."""
        calc = cls(pair.ads_ratio, pair.fees, pair.edge_notional_usd)
        calc._pair = pair
        return calc

    def at(self, ts_ns: int) -> PremiumCalculator:
        """The calculator of the ratio and costs in force on the UTC day of ``ts_ns``."""
        pair = self._pair
        if pair is None:
            return self
        epoch_day = ts_ns // NS_PER_DAY
        calc = self._days.get(epoch_day)
        if calc is None:  # a few days are kept: windows reach back to earlier days
            if len(self._days) >= DAYS_KEPT:
                self._days.clear()
            day = day_of(ts_ns)
            calc = PremiumCalculator(pair.ratio_on(day).ratio, pair.fees_on(day), self.notional_usd)
            self._days[epoch_day] = calc
        return calc

    def mid(self, us_mid: float, fx_mid: float, hk_mid: float) -> float:
        """``(mid_us * mid_fx / r) / mid_hk - 1``: positive when the ADS is rich."""
        return hk_equivalent(us_mid, fx_mid, self.ratio) / hk_mid - 1.0

    def implied_fx(self, us_mid: float, hk_mid: float) -> float:
        """``r * hk_mid / us_mid``; NaN unless both mids are positive."""
        if not (us_mid > 0 and hk_mid > 0):  # False for NaN too
            return NAN
        return implied_fx(us_mid, hk_mid, self.ratio)

    def buy_hk_sell_us(self, us_bid: float, hk_ask: float, fx_bid: float) -> float:
        """Net edge of buying HK shares, depositing them for ADS and selling the ADS."""
        fees = self.fees
        ads = self.notional_usd / us_bid
        base = ads * self.ratio * hk_ask
        proceeds_usd = ads * us_bid
        us_costs = fees.us_sell_cost_usd(ads, proceeds_usd) + fees.ads_issue_cost_usd(ads)
        received_hkd = (proceeds_usd - us_costs) * fx_bid
        return (received_hkd - base - self._hk_costs(base)) / base

    def buy_us_sell_hk(self, us_ask: float, hk_bid: float, fx_ask: float) -> float:
        """Net edge of buying ADS, cancelling them for HK shares and selling those in HK."""
        fees = self.fees
        ads = self.notional_usd / us_ask
        base = self.notional_usd * fx_ask
        us_costs = fees.us_buy_cost_usd(ads) + fees.ads_cancel_cost_usd(ads)
        sold_hkd = ads * self.ratio * hk_bid
        return (sold_hkd - self._hk_costs(sold_hkd) - base - us_costs * fx_ask) / base

    def _hk_costs(self, notional_hkd: float) -> float:
        return self.fees.hk_cost_hkd(notional_hkd) + self.fees.conversion_cost_hkd(notional_hkd)

    def breakdown_buy_hk_sell_us(self, us: Prices, hk: Prices, fx: Prices) -> EdgeBreakdown:
        """:meth:`buy_hk_sell_us` item by item in HKD (same inputs: US bid, HK ask, FX bid)."""
        fees = self.fees
        us_bid, hk_ask, fx_bid, fx_mid = us[1], hk[2], fx[1], fx[0]
        n = self.notional_usd / us_bid
        base = n * self.ratio * hk_ask
        costs = self._hk_items(fees.hk_costs(base), base)
        costs["sec_fee"] = fees.sec_fee_usd(n * us_bid) * fx_bid
        costs["finra_taf"] = fees.finra_taf_usd(n) * fx_bid
        costs["depositary"] = fees.ads_issue_cost_usd(n) * fx_bid
        costs["us_commission"] = fees.us_commission_usd(n) * fx_bid
        costs["fx_spread"] = self.notional_usd * (fx_mid - fx_bid)
        gross = self.notional_usd * fx_mid - base
        return _breakdown("buy_hk_sell_us", self, n, base, gross, costs)

    def breakdown_buy_us_sell_hk(self, us: Prices, hk: Prices, fx: Prices) -> EdgeBreakdown:
        """:meth:`buy_us_sell_hk` item by item in HKD (same inputs: US ask, HK bid, FX ask)."""
        fees = self.fees
        us_ask, hk_bid, fx_ask, fx_mid = us[2], hk[1], fx[2], fx[0]
        n = self.notional_usd / us_ask
        base = self.notional_usd * fx_ask
        sold = n * self.ratio * hk_bid
        costs = self._hk_items(fees.hk_costs(sold), sold)
        costs["sec_fee"] = 0.0
        costs["finra_taf"] = 0.0
        costs["depositary"] = fees.ads_cancel_cost_usd(n) * fx_ask
        costs["us_commission"] = fees.us_commission_usd(n) * fx_ask
        costs["fx_spread"] = self.notional_usd * (fx_ask - fx_mid)
        gross = sold - self.notional_usd * fx_mid
        return _breakdown("buy_us_sell_hk", self, n, base, gross, costs)

    def _hk_items(self, hk: HkCosts, notional_hkd: float) -> dict[str, float]:
        return {
            "stamp_duty": hk.stamp_duty,
            "sfc_levy": hk.sfc_levy,
            "afrc_levy": hk.afrc_levy,
            "trading_fee": hk.trading_fee,
            "settlement": hk.settlement,
            "hk_commission": hk.commission,
            "conversion_stamp_duty": self.fees.conversion_cost_hkd(notional_hkd),
        }

    def breakdowns(
        self, us: Prices, hk: Prices, fx: Prices
    ) -> tuple[EdgeBreakdown, EdgeBreakdown] | None:
        """Both edges item by item; None unless every bid, ask and the FX mid are known."""
        if not all(x > 0 for x in (us[1], us[2], hk[1], hk[2], fx[0], fx[1], fx[2])):
            return None
        return self.breakdown_buy_hk_sell_us(us, hk, fx), self.breakdown_buy_us_sell_hk(us, hk, fx)

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
        _, us_bid, us_ask = us
        _, hk_bid, hk_ask = hk
        _, fx_bid, fx_ask = fx
        if mid != mid or not (  # False for NaN too
            us_bid > 0 and us_ask > 0 and hk_bid > 0 and hk_ask > 0 and fx_bid > 0 and fx_ask > 0
        ):
            return mid, NAN, NAN
        a = self.buy_hk_sell_us(us_bid, hk_ask, fx_bid)
        return mid, a, self.buy_us_sell_hk(us_ask, hk_bid, fx_ask)


def _breakdown(
    direction: str,
    calc: PremiumCalculator,
    ads: float,
    base: float,
    gross: float,
    costs: dict[str, float],
) -> EdgeBreakdown:
    ordered = {item: costs[item] for item in COST_ITEMS}
    pnl = gross - sum(ordered.values())
    return EdgeBreakdown(
        direction, calc.notional_usd, ads, ads * calc.ratio, base, gross, ordered, pnl, pnl / base
    )


__all__ = [
    "COST_ITEMS",
    "EdgeBreakdown",
    "PremiumCalculator",
    "Premiums",
    "Prices",
    "hk_equivalent",
    "implied_fx",
]
