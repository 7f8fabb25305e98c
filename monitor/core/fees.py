"""Trading and conversion costs of a HK/US ADS arbitrage, with dated defaults.

All rates are fractions of notional (0.001 = 0.10 %). Defaults come from DOMAIN.md and are
only defaults: every field can be overridden globally or per pair in the configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Costs per side unless the name says otherwise; currencies as named."""

    as_of: date = date(2026, 4, 4)
    hk_stamp_duty_rate: float = 0.001  # buyer and seller each, since 2023-11-17
    hk_sfc_levy_rate: float = 0.000027
    hk_afrc_levy_rate: float = 0.0000015
    hk_trading_fee_rate: float = 0.0000565
    hk_settlement_rate: float = 0.00002  # CCASS
    hk_settlement_min_hkd: float = 2.0
    hk_settlement_max_hkd: float = 100.0
    hk_commission_rate: float = 0.0
    hk_commission_min_hkd: float = 0.0
    us_sec_fee_rate: float = 20.60e-6  # of sale proceeds, sells only, from 2026-04-04
    us_finra_taf_per_share: float = 0.000195  # sells only
    us_finra_taf_max_usd: float = 9.79
    us_commission_per_share: float = 0.0
    us_commission_min_usd: float = 0.0
    ads_issue_fee_usd: float = 0.05  # per ADS issued (HK shares -> ADS)
    ads_cancel_fee_usd: float = 0.05  # per ADS cancelled (ADS -> HK shares)
    conversion_stamp_duty_rate: float = 0.0  # on conversions; unconfirmed, so a setting

    def hk_cost_hkd(self, notional_hkd: float) -> float:
        """Costs of one HK trade (either side) of ``notional_hkd``, in HKD."""
        proportional = notional_hkd * (
            self.hk_stamp_duty_rate
            + self.hk_sfc_levy_rate
            + self.hk_afrc_levy_rate
            + self.hk_trading_fee_rate
        )
        settlement = min(
            max(notional_hkd * self.hk_settlement_rate, self.hk_settlement_min_hkd),
            self.hk_settlement_max_hkd,
        )
        commission = max(notional_hkd * self.hk_commission_rate, self.hk_commission_min_hkd)
        return proportional + settlement + commission

    def us_buy_cost_usd(self, ads: float) -> float:
        """Costs of buying ``ads`` ADS, in USD (commission only)."""
        return self._us_commission(ads)

    def us_sell_cost_usd(self, ads: float, proceeds_usd: float) -> float:
        """Costs of selling ``ads`` ADS for ``proceeds_usd``: SEC fee, FINRA TAF, commission."""
        sec = proceeds_usd * self.us_sec_fee_rate
        taf = min(ads * self.us_finra_taf_per_share, self.us_finra_taf_max_usd)
        return sec + taf + self._us_commission(ads)

    def ads_issue_cost_usd(self, ads: float) -> float:
        """Depositary fee for issuing ``ads`` ADS against deposited HK shares, in USD."""
        return ads * self.ads_issue_fee_usd

    def ads_cancel_cost_usd(self, ads: float) -> float:
        """Depositary fee for cancelling ``ads`` ADS into HK shares, in USD."""
        return ads * self.ads_cancel_fee_usd

    def conversion_cost_hkd(self, notional_hkd: float) -> float:
        """Stamp duty on an ADS conversion of ``notional_hkd`` (a setting; 0 by default)."""
        return notional_hkd * self.conversion_stamp_duty_rate

    def _us_commission(self, ads: float) -> float:
        return max(ads * self.us_commission_per_share, self.us_commission_min_usd)


DEFAULT_FEES = FeeSchedule()
