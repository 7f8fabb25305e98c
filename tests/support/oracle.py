"""Independent premium formulas for tests, written from DESIGN.md's definitions.

Production computes premiums in :class:`monitor.core.premium.PremiumCalculator`; tests
check it (and everything that wires it: engine, API, replay) against these plain
re-derivations. Only the *values* of a :class:`~monitor.core.fees.FeeSchedule` are read
here; every cost is recomputed by hand (stamp duty per contract rounded up to the whole
HK$, other fees unrounded, a minimum or maximum of None switched off).
"""

from __future__ import annotations

import math

from monitor.core.fees import FeeSchedule


def mid_premium(us_mid: float, fx_mid: float, hk_mid: float, ratio: float) -> float:
    """``(mid_us * mid_fx / r) / mid_hk - 1``."""
    return (us_mid * fx_mid / ratio) / hk_mid - 1.0


def implied_fx(us_mid: float, hk_mid: float, ratio: float) -> float:
    """The USD/HKD at which ``us_mid * fx / r == hk_mid``."""
    return ratio * hk_mid / us_mid


def _clip(x: float, low: float | None, high: float | None) -> float:
    x = x if low is None else max(x, low)
    return x if high is None else min(x, high)


def hk_costs(f: FeeSchedule, value: float) -> float:
    """One HK trade of ``value`` HKD: stamp (HK$1 per HK$1,000 or part, at 0.1 %), levies,
    trading fee, settlement within its bounds, commission within its bounds, conversion."""
    duty = value * f.hk_stamp_duty_rate
    # Within half a millionth of a dollar of a whole dollar counts as that dollar (binary
    # noise of a fractional quantity is not a "part" of HK$1,000), as documented.
    stamp = math.ceil(duty - 5e-7) if math.isfinite(duty) else duty
    levies = value * (f.hk_sfc_levy_rate + f.hk_afrc_levy_rate + f.hk_trading_fee_rate)
    settle = _clip(value * f.hk_settlement_rate, f.hk_settlement_min_hkd, f.hk_settlement_max_hkd)
    brokerage = _clip(
        value * f.hk_commission_rate, f.hk_commission_min_hkd, f.hk_commission_max_hkd
    )
    return stamp + levies + settle + brokerage + value * f.conversion_stamp_duty_rate


def _us_commission(f: FeeSchedule, n: float) -> float:
    return _clip(n * f.us_commission_per_share, f.us_commission_min_usd, f.us_commission_max_usd)


def edge_buy_hk_sell_us(
    us_bid: float, hk_ask: float, fx_bid: float, ratio: float, fees: FeeSchedule, notional: float
) -> float:
    """Buy n*r HK shares at the ask (base), deposit (issuance fee), sell n ADS, sell USD."""
    n = notional / us_bid
    base = n * ratio * hk_ask
    taf = _clip(n * fees.us_finra_taf_per_share, None, fees.us_finra_taf_max_usd)
    us_costs = notional * fees.us_sec_fee_rate + taf + _us_commission(fees, n)
    usd_kept = notional - us_costs - n * fees.ads_issue_fee_usd
    return (usd_kept * fx_bid - base - hk_costs(fees, base)) / base


def edge_buy_us_sell_hk(
    us_ask: float, hk_bid: float, fx_ask: float, ratio: float, fees: FeeSchedule, notional: float
) -> float:
    """Buy n ADS with N*fx_ask HKD (base), cancel (fee per ADS), sell n*r HK shares."""
    n = notional / us_ask
    base = notional * fx_ask
    paid = (notional + _us_commission(fees, n) + n * fees.ads_cancel_fee_usd) * fx_ask
    sold = n * ratio * hk_bid
    return (sold - hk_costs(fees, sold) - paid) / base
