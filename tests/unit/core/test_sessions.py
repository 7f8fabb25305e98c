"""Session phases: HK lunch break, half day, closing auction; US extended hours and DST."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor.core.sessions import Phase, SessionCalendar

CAL = SessionCalendar("exchange")


def ns(ts: str) -> int:
    return int(pd.Timestamp(ts).value)


@pytest.mark.parametrize(
    ("when", "phase"),
    [
        ("2026-11-23 08:59+08:00", Phase.CLOSED),
        ("2026-11-23 09:10+08:00", Phase.PRE_OPEN),
        ("2026-11-23 09:30+08:00", Phase.CONTINUOUS),
        ("2026-11-23 11:59+08:00", Phase.CONTINUOUS),
        ("2026-11-23 12:00+08:00", Phase.LUNCH),
        ("2026-11-23 12:59+08:00", Phase.LUNCH),
        ("2026-11-23 13:00+08:00", Phase.CONTINUOUS),
        ("2026-11-23 16:05+08:00", Phase.CLOSING_AUCTION),
        ("2026-11-23 16:10+08:00", Phase.CLOSED),
        ("2026-11-22 10:00+08:00", Phase.CLOSED),  # Sunday
        ("2026-12-25 10:00+08:00", Phase.CLOSED),  # Christmas Day
    ],
)
def test_hkex_phases(when: str, phase: Phase) -> None:
    assert CAL.phase("XHKG", ns(when)) is phase


def test_hkex_half_day_christmas_eve_is_morning_only() -> None:
    assert CAL.phase("XHKG", ns("2026-12-24 11:30+08:00")) is Phase.CONTINUOUS
    assert CAL.phase("XHKG", ns("2026-12-24 12:05+08:00")) is Phase.CLOSING_AUCTION
    assert CAL.phase("XHKG", ns("2026-12-24 13:30+08:00")) is Phase.CLOSED
    assert CAL.last_close("XHKG", ns("2026-12-24 15:00+08:00")) == ns("2026-12-24 12:10+08:00")


def test_lunch_break_is_not_live_and_the_reference_is_the_previous_close() -> None:
    cal = SessionCalendar("exchange")
    cal.register("2026.HK", "XHKG")
    lunch = ns("2026-11-23 12:30+08:00")
    assert not cal.is_open("2026.HK", lunch)
    assert cal.is_open("2026.HK", ns("2026-11-23 13:30+08:00"))
    assert cal.last_close("XHKG", lunch) == ns("2026-11-20 16:10+08:00")  # Friday's close


@pytest.mark.parametrize(
    ("when", "phase"),
    [
        # Before the US DST change (EST, UTC-5): the regular session opens at 14:30 UTC
        ("2026-03-06 14:20Z", Phase.PRE_MARKET),
        ("2026-03-06 14:30Z", Phase.REGULAR),
        ("2026-03-06 21:00Z", Phase.POST_MARKET),
        # After 8 March 2026 (EDT, UTC-4): 13:30 UTC
        ("2026-03-09 13:30Z", Phase.REGULAR),
        ("2026-03-09 20:00Z", Phase.POST_MARKET),
        ("2026-03-09 23:59Z", Phase.POST_MARKET),
        ("2026-03-10 00:00Z", Phase.CLOSED),  # 20:00 EDT
        ("2026-03-09 08:00Z", Phase.PRE_MARKET),  # 04:00 EDT
        ("2026-11-26 15:00Z", Phase.CLOSED),  # Thanksgiving
        ("2026-11-27 18:30Z", Phase.POST_MARKET),  # early close 13:00 ET
        ("2026-11-27 22:30Z", Phase.CLOSED),  # after-hours end 17:00 ET on early-close days
    ],
)
def test_us_phases_across_dst(when: str, phase: Phase) -> None:
    assert CAL.phase("XNAS", ns(when)) is phase


def test_us_without_extended_hours() -> None:
    regular_only = SessionCalendar("exchange", us_extended_hours=False)
    assert regular_only.phase("XNAS", ns("2026-03-09 12:00Z")) is Phase.CLOSED
    assert regular_only.phase("XNAS", ns("2026-03-09 14:00Z")) is Phase.REGULAR


def test_fx_week() -> None:
    assert CAL.phase("FX", ns("2026-11-20 21:59Z")) is Phase.OPEN  # Fri 16:59 ET
    assert CAL.phase("FX", ns("2026-11-20 22:01Z")) is Phase.CLOSED
    assert CAL.phase("FX", ns("2026-11-22 21:59Z")) is Phase.CLOSED  # Sun 16:59 ET
    assert CAL.phase("FX", ns("2026-11-22 22:01Z")) is Phase.OPEN


def test_always_open_mode() -> None:
    demo = SessionCalendar("always_open")
    sunday = ns("2026-11-22 10:00+08:00")
    assert demo.phase("XHKG", sunday) is Phase.CONTINUOUS
    assert demo.phase("XNAS", sunday) is Phase.REGULAR
    assert demo.last_close("XHKG", sunday) is None


def test_hk_and_us_regular_sessions_never_overlap() -> None:
    step = 15 * 60 * 1_000_000_000
    start = ns("2026-11-23 00:00Z")
    for i in range(7 * 24 * 4):
        t = start + i * step
        both = CAL.phase("XHKG", t) is Phase.CONTINUOUS and CAL.phase("XNAS", t) is Phase.REGULAR
        assert not both


@pytest.mark.parametrize(
    ("when", "otc", "nasdaq"),
    [
        ("2026-11-23 04:30-05:00", Phase.CLOSED, Phase.PRE_MARKET),  # OTC opens at 06:00
        ("2026-11-23 06:00-05:00", Phase.PRE_MARKET, Phase.PRE_MARKET),
        ("2026-11-23 09:30-05:00", Phase.REGULAR, Phase.REGULAR),
        ("2026-11-23 16:30-05:00", Phase.POST_MARKET, Phase.POST_MARKET),
        ("2026-11-23 17:00-05:00", Phase.CLOSED, Phase.POST_MARKET),  # OTC ends at 17:00
        ("2026-11-26 10:00-05:00", Phase.CLOSED, Phase.CLOSED),  # Thanksgiving
    ],
)
def test_otc_lines_have_otc_hours(when: str, otc: Phase, nasdaq: Phase) -> None:
    assert CAL.phase("OTC", ns(when)) is otc
    assert CAL.phase("XNAS", ns(when)) is nasdaq
