"""Exchange schedules from exchange_calendars: each trading day's open, close and break.

Imported only when :mod:`monitor.core.sessions` needs an exchange venue's day in
``exchange`` mode: exchange_calendars and pandas take a second or more to import and are
not needed in ``always_open`` mode.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import exchange_calendars as xcals
import pandas as pd


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """One trading day of an exchange, in nanoseconds since the epoch (UTC)."""

    open: int
    close: int
    break_start: int | None
    break_end: int | None


@lru_cache(maxsize=2)
def _calendar(name: str) -> xcals.ExchangeCalendar:
    with warnings.catch_warnings():
        # exchange_calendars still uses pandas APIs that pandas 3 deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        return xcals.get_calendar(name)


def schedule(name: str, day: date) -> DaySchedule | None:
    """The schedule of ``day`` on calendar ``name`` (``XHKG``, ``XNAS``); None if no session."""
    cal = _calendar(name)
    stamp = pd.Timestamp(day)
    if stamp < cal.first_session or stamp > cal.last_session or not cal.is_session(stamp):
        return None
    row: pd.Series = cal.schedule.loc[stamp]
    has_break = "break_start" in row and pd.notna(row["break_start"]) and pd.notna(row["break_end"])
    return DaySchedule(
        open=_ns(row["open"]),
        close=_ns(row["close"]),
        break_start=_ns(row["break_start"]) if has_break else None,
        break_end=_ns(row["break_end"]) if has_break else None,
    )


def _ns(ts: pd.Timestamp) -> int:
    return int(pd.Timestamp(ts).value)


__all__ = ["DaySchedule", "schedule"]
