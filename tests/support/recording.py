"""A synthetic tick recording made offline by the simulator's own market model.

The model steps through recorded time (no waiting) and each instrument quotes only while
its venue trades on the real exchange calendars, so the file looks like a day the
recorder wrote: HK in the morning (UTC), the US in the afternoon, FX throughout.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

from monitor.core.events import NS_PER_SECOND
from monitor.core.sessions import SessionCalendar
from monitor.feeds.simulator.config import SimulatorOptions
from monitor.feeds.simulator.model import MarketModel
from monitor.recorder.format import COLUMNS, csv_cells, event_row

VENUES = {"PONY": "XNAS", "2026.HK": "XHKG", "USDHKD": "FX"}


def write_recording(
    path: Path,
    start: datetime = datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
    hours: float = 3.0,
    updates_per_second: float = 2.0,
    seed: int = 7,
    price_volatility_per_second: float = 0.0001,
    jump_probability_per_second: float = 0.0005,
) -> int:
    """Write ``hours`` of PONY / 2026.HK / USDHKD ticks from ``start``; return the rows."""
    options = SimulatorOptions(
        seed=seed,
        updates_per_second=updates_per_second,
        price_volatility_per_second=price_volatility_per_second,
        jump_probability_per_second=jump_probability_per_second,
    )
    model = MarketModel(options, [("PONY", "2026.HK", 1.0)], "USDHKD", "sim")
    calendar = SessionCalendar("exchange")  # US extended hours, as the daemon by default
    for symbol, venue in VENUES.items():
        calendar.register(symbol, venue)
    step = int(NS_PER_SECOND / updates_per_second)
    now = int(start.timestamp()) * NS_PER_SECOND
    end = now + int(hours * 3600 * NS_PER_SECOND)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        while now < end:
            # quotes whenever the venue trades: auctions and US extended hours too
            open_ = {s for s, venue in VENUES.items() if calendar.phase(venue, now).trading}
            for event in model.next_events(now, open_):
                writer.writerow(csv_cells(event_row(event)))
                rows += 1
            now += step
    return rows
