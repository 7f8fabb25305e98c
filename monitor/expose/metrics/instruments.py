"""Instrument families: prices, info, update times, staleness and venue sessions."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import Metric

from monitor.core.snapshot import LegView, MarketSnapshot
from monitor.expose.metrics.common import NS
from monitor.scrape import RowGauge


def distinct_legs(snapshot: MarketSnapshot) -> list[LegView]:
    """Return each instrument's leg once, in pair order (a shared FX leg appears once)."""
    legs: dict[str, LegView] = {}
    for view in snapshot.pairs:
        for leg in (view.us, view.hk, view.fx):
            legs.setdefault(leg.instrument, leg)
    return list(legs.values())


def instrument_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield ``dlmon_price``, ``dlmon_instrument_info``, the last update and receive
    timestamps, ``dlmon_instrument_stale`` and ``dlmon_market_open``."""
    price = RowGauge(
        "dlmon_price", "Price in the instrument's currency", labels=["instrument", "field"]
    )
    info = RowGauge(
        "dlmon_instrument_info",
        "Instrument (constant 1)",
        labels=["instrument", "venue", "currency"],
    )
    updated = RowGauge(
        "dlmon_last_update_timestamp_seconds",
        "Exchange time of the last valid update",
        labels=["instrument"],
    )
    received = RowGauge(
        "dlmon_last_receive_timestamp_seconds",
        "Local receive time of the last valid update",
        labels=["instrument"],
    )
    stale = RowGauge(
        "dlmon_instrument_stale", "1 when the instrument's data is stale", labels=["instrument"]
    )
    market_open = RowGauge(
        "dlmon_market_open", "1 while the venue is in a trading session", labels=["venue"]
    )
    venues: dict[str, bool] = {}
    for leg in distinct_legs(snapshot):
        venues[leg.venue] = leg.market_open
        info.add_metric((leg.instrument, leg.venue, leg.currency), 1)
        stale.add_metric((leg.instrument,), 1 if leg.stale else 0)
        if leg.ts_event is not None and leg.ts_recv is not None:
            updated.add_metric((leg.instrument,), leg.ts_event / NS)
            received.add_metric((leg.instrument,), leg.ts_recv / NS)
        if leg.venue == "FX":
            continue
        for field in ("bid", "ask", "last", "mid"):
            value = getattr(leg, field)
            if value is not None:
                price.add_metric((leg.instrument, field), value)
    for venue, is_open in sorted(venues.items()):
        market_open.add_metric((venue,), 1 if is_open else 0)
    yield from (price, info, updated, received, stale, market_open)
