from __future__ import annotations

import pytest

from monitor.core.engine import Engine
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair, Staleness
from monitor.core.sessions import SessionCalendar

T0 = 1_790_000_000_000_000_000  # 2026-09-21T14:13:20Z, a Monday
S = 1_000_000_000


def pony_pair(**kwargs: object) -> Pair:
    return Pair(
        name="PONY",
        us=Instrument("PONY", "XNAS", "USD"),
        hk=Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        fx=Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        ads_ratio=1.0,
        staleness=Staleness(us_seconds=60, hk_seconds=60, fx_seconds=120),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def engine() -> Engine:
    return Engine([pony_pair()], SessionCalendar("always_open"), priorities={"a": 10, "b": 5})
