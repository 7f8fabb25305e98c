"""Domain objects tests build again and again."""

from __future__ import annotations

from typing import Any

from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair, Staleness

T0 = 1_790_000_000_000_000_000  # 2026-09-21T14:13:20Z, a Monday
S = 1_000_000_000


DEFAULT_STALENESS = Staleness(us_seconds=60, hk_seconds=60, fx_seconds=120)


def pony_pair(staleness: Staleness = DEFAULT_STALENESS, **kwargs: Any) -> Pair:
    """PONY / 2026.HK / USDHKD, 1:1, 60 s staleness on the equity legs, 120 s on FX."""
    return Pair(
        name="PONY",
        us=Instrument("PONY", "XNAS", "USD"),
        hk=Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        fx=Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        ads_ratio=1.0,
        staleness=staleness,
        **kwargs,
    )
