"""Premium attribution: how much of the mid premium's change came from each leg.

With ``1 + P = us * fx / (r * hk)`` (the mid premium, :mod:`monitor.core.premium`), the
log change of ``1 + P`` between a window's start and now splits exactly into

- ``us``:    ``ln(us_now / us_start)``      (the US leg; ADS up -> premium up)
- ``hk``:    ``-ln(hk_now / hk_start)``     (the HK leg; HK up -> premium down)
- ``fx``:    ``ln(fx_now / fx_start)``      (USD/HKD up -> premium up)
- ``ratio``: ``-ln(r_now / r_start)``       (0 unless the ADS ratio changed in between)

and ``us + hk + fx + ratio == total == ln((1 + P_now) / (1 + P_start))`` (to rounding).
The terms are log returns (0.01 ~ 1 % of ``1 + P``); for small moves they are close to
the change of ``P`` itself. Pure: no state, no I/O; the caller picks the window's mids.
"""

from __future__ import annotations

import math
from typing import Final, NamedTuple

from monitor.core.tuple_view import make_view


class LegMids(NamedTuple):
    """The mids the premium is built from at one instant (native currencies)."""

    us: float  # USD per ADS
    hk: float  # HKD per HK share
    fx: float  # HKD per USD
    ratio: float = 1.0  # HK shares per ADS


class Attribution(NamedTuple):
    """Log-return decomposition of the mid premium's change over a window."""

    us: float
    hk: float
    fx: float
    ratio: float
    total: float  # ln((1 + premium_now) / (1 + premium_start)) = us + hk + fx + ratio
    premium_start: float
    premium_now: float


INF: Final = math.inf

Mids = tuple[float, float, float, float]
"""(us, hk, fx, ratio) as in :class:`LegMids`: a ``LegMids`` or a plain tuple (the read
side passes plain ones, which the compiled core keeps unboxed)."""


def _valid(m: Mids) -> bool:
    """Every mid positive and finite (NaN fails every comparison)."""
    us, hk, fx, ratio = m
    return 0.0 < us < INF and 0.0 < hk < INF and 0.0 < fx < INF and 0.0 < ratio < INF


def attribute(start: Mids, now: Mids) -> Attribution | None:
    """Split the mid premium's change from ``start`` to ``now`` (:class:`LegMids`) into US,
    HK, FX and ratio terms; None when a mid is missing, non-positive or not finite (NaN
    included)."""
    if not (_valid(start) and _valid(now)):
        return None
    us0, hk0, fx0, r0 = start
    us1, hk1, fx1, r1 = now
    us = math.log(us1 / us0)
    hk = -math.log(hk1 / hk0)
    fx = math.log(fx1 / fx0)
    ratio = -math.log(r1 / r0)
    p0 = us0 * fx0 / (r0 * hk0) - 1.0
    p1 = us1 * fx1 / (r1 * hk1) - 1.0
    return make_view(Attribution, (us, hk, fx, ratio, us + hk + fx + ratio, p0, p1))


__all__ = ["Attribution", "LegMids", "Mids", "attribute"]
