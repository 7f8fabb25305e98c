"""Shared builders for the analytics tests: the PONY pair and engines with small windows."""

from __future__ import annotations

import pandas as pd

from monitor.core.analytics import AnalyticsSettings
from monitor.core.engine import Engine
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair, Staleness
from monitor.core.sessions import SessionCalendar

S = 1_000_000_000


def ns(ts: str) -> int:
    return int(pd.Timestamp(ts).value)


def pony_pair() -> Pair:
    return Pair(
        name="PONY",
        us=Instrument("PONY", "XNAS", "USD"),
        hk=Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        fx=Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        ads_ratio=1.0,
        staleness=Staleness(us_seconds=600, hk_seconds=600, fx_seconds=600),
    )


def small_settings(**kwargs: object) -> AnalyticsSettings:
    base: dict[str, object] = {
        "windows": (("1m", 60), ("5m", 300)),
        "half_life_window_seconds": 300,
        "min_samples": 10,
        "amihud_bucket_seconds": 60,
    }
    base.update(kwargs)
    return AnalyticsSettings(**base)  # type: ignore[arg-type]


def make_engine(mode: str = "always_open", **kwargs: object) -> Engine:
    calendar = SessionCalendar("always_open" if mode == "always_open" else "exchange")
    return Engine([pony_pair()], calendar, analytics=small_settings(**kwargs))
