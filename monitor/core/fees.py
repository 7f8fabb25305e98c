"""Trading and conversion costs of a HK/US ADS arbitrage: the cost of one schedule.

All rates are fractions of notional (0.001 = 0.10 %). A :class:`FeeSchedule` is the set of
values in force on one day; which values are in force when (and why) is the dated table
of :mod:`monitor.core.fee_table`. A minimum or maximum of ``None`` is switched off.

Conventions (docs/costs.md): HK stamp duty is charged per contract and rounded up to the
whole HK$ (HK$1 per HK$1,000 or part thereof at 0.1 %); every other fee is unrounded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Final, NamedTuple


class HkCosts(NamedTuple):
    """Costs of one HK trade, in HKD, item by item."""

    stamp_duty: float
    sfc_levy: float
    afrc_levy: float
    trading_fee: float
    settlement: float
    commission: float

    @property
    def total(self) -> float:
        return _hk_total(*self)


def _hk_total(
    stamp_duty: float,
    sfc_levy: float,
    afrc_levy: float,
    trading_fee: float,
    settlement: float,
    commission: float,
) -> float:
    """The total of one HK trade's costs (:class:`HkCosts` items, summed in their order)."""
    return stamp_duty + sfc_levy + afrc_levy + trading_fee + settlement + commission


def stamp_duty_hkd(notional_hkd: float, rate: float) -> float:
    """Stamp duty on one contract: ``notional * rate`` rounded up to the whole HK$.

    The product is first rounded to 1e-6 HK$ so that binary noise (780,000 * 0.001 =
    780.0000000001) does not add a dollar. NaN in, NaN out.

    Computed as ``ceil(round(duty, 6))`` without ``round``'s decimal conversion: the
    fraction above the whole dollar is exact in binary (Sterbenz), and it rounds down to
    the dollar iff it is below 5e-7, i.e. at most ``HALF_MICRO`` (the double nearest 5e-7
    lies below it, and no double lies in between).
    """
    duty = notional_hkd * rate
    if duty - duty != 0.0:  # NaN or infinite
        return duty
    whole = float(math.floor(duty))
    return whole if duty - whole <= HALF_MICRO else whole + 1.0


HALF_MICRO: Final = 5e-7


def bounded(value: float, minimum: float | None, maximum: float | None) -> float:
    """``value`` raised to ``minimum`` and capped at ``maximum`` (None: no bound)."""
    if minimum is not None and value < minimum:
        value = minimum
    if maximum is not None and value > maximum:
        value = maximum
    return value


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Costs per side unless the name says otherwise; currencies as named.

    The field defaults are the values in force on ``as_of``; the dated table
    (:data:`monitor.core.fee_table.DEFAULT_FEE_TABLE`) builds the schedule of any day.
    """

    as_of: date = date(2026, 4, 4)
    hk_stamp_duty_rate: float = 0.001  # buyer and seller each, per contract, rounded up
    hk_sfc_levy_rate: float = 0.000027
    hk_afrc_levy_rate: float = 0.0000015
    hk_trading_fee_rate: float = 0.0000565
    hk_settlement_rate: float = 0.000042  # HKSCC stock settlement fee, from 2025-06-30
    hk_settlement_min_hkd: float | None = None
    hk_settlement_max_hkd: float | None = None
    hk_commission_rate: float = 0.0
    hk_commission_min_hkd: float | None = None
    hk_commission_max_hkd: float | None = None
    us_sec_fee_rate: float = 20.60e-6  # of sale proceeds, sells only, from 2026-04-04
    us_finra_taf_per_share: float = 0.000195  # sells only
    us_finra_taf_max_usd: float | None = 9.79
    us_commission_per_share: float = 0.0
    us_commission_min_usd: float | None = None
    us_commission_max_usd: float | None = None
    ads_issue_fee_usd: float = 0.05  # per ADS issued (HK shares -> ADS)
    ads_cancel_fee_usd: float = 0.05  # per ADS cancelled (ADS -> HK shares)
    conversion_stamp_duty_rate: float = 0.0  # on conversions; unconfirmed, so a setting

    def hk_costs(self, notional_hkd: float) -> HkCosts:
        """Costs of one HK trade (either side) of ``notional_hkd``, item by item."""
        return HkCosts(*self._hk_items(notional_hkd))

    def hk_cost_hkd(self, notional_hkd: float) -> float:
        """Costs of one HK trade (either side) of ``notional_hkd``, in HKD (the
        :meth:`hk_costs` total, without building the items: the read side asks per pair)."""
        stamp, sfc, afrc, trading, settlement, commission = self._hk_items(notional_hkd)
        return _hk_total(stamp, sfc, afrc, trading, settlement, commission)

    def _hk_items(self, notional_hkd: float) -> tuple[float, float, float, float, float, float]:
        """The :class:`HkCosts` items in order."""
        return (
            stamp_duty_hkd(notional_hkd, self.hk_stamp_duty_rate),
            notional_hkd * self.hk_sfc_levy_rate,
            notional_hkd * self.hk_afrc_levy_rate,
            notional_hkd * self.hk_trading_fee_rate,
            bounded(
                notional_hkd * self.hk_settlement_rate,
                self.hk_settlement_min_hkd,
                self.hk_settlement_max_hkd,
            ),
            bounded(
                notional_hkd * self.hk_commission_rate,
                self.hk_commission_min_hkd,
                self.hk_commission_max_hkd,
            ),
        )

    def sec_fee_usd(self, proceeds_usd: float) -> float:
        """SEC Section 31 fee on a sale of ``proceeds_usd`` (sells only)."""
        return proceeds_usd * self.us_sec_fee_rate

    def finra_taf_usd(self, ads: float) -> float:
        """FINRA Trading Activity Fee on a sale of ``ads`` shares (sells only), capped."""
        return bounded(ads * self.us_finra_taf_per_share, None, self.us_finra_taf_max_usd)

    def us_commission_usd(self, ads: float) -> float:
        """Broker commission on a US trade of ``ads`` shares (either side)."""
        return bounded(
            ads * self.us_commission_per_share,
            self.us_commission_min_usd,
            self.us_commission_max_usd,
        )

    def us_buy_cost_usd(self, ads: float) -> float:
        """Costs of buying ``ads`` ADS, in USD (commission only)."""
        return self.us_commission_usd(ads)

    def us_sell_cost_usd(self, ads: float, proceeds_usd: float) -> float:
        """Costs of selling ``ads`` ADS for ``proceeds_usd``: SEC fee, FINRA TAF, commission."""
        return (
            self.sec_fee_usd(proceeds_usd) + self.finra_taf_usd(ads) + self.us_commission_usd(ads)
        )

    def ads_issue_cost_usd(self, ads: float) -> float:
        """Depositary fee for issuing ``ads`` ADS against deposited HK shares, in USD."""
        return ads * self.ads_issue_fee_usd

    def ads_cancel_cost_usd(self, ads: float) -> float:
        """Depositary fee for cancelling ``ads`` ADS into HK shares, in USD."""
        return ads * self.ads_cancel_fee_usd

    def conversion_cost_hkd(self, notional_hkd: float) -> float:
        """Stamp duty on an ADS conversion of ``notional_hkd`` (a setting; 0 by default)."""
        return notional_hkd * self.conversion_stamp_duty_rate


DEFAULT_FEES = FeeSchedule()
