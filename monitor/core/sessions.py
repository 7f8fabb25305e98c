"""Trading-session phases per venue, in each venue's own time zone.

HKEX (``XHKG``): exchange_calendars gives trading days, the lunch break and half days;
this module adds the pre-opening auction (09:00-09:30 HKT) and the closing auction
(10 minutes after the close). US exchanges (``XNAS``, ``XNYS``, ...): exchange_calendars
XNAS gives holidays and early closes; pre-market 04:00 and after-hours to 20:00 US/Eastern
(17:00 on early-close days) are added here. ``OTC`` (OTC Link lines such as XIACY): the
same trading days, regular 09:30-16:00 and extended hours 06:00-09:30 and to 17:00
US/Eastern (OTC Markets' published hours, secondary source). ``FX``: Sunday 17:00 to
Friday 17:00 New York.
Blue Ocean's overnight session and HK typhoon closures are not modelled.

The exchange schedules (:mod:`monitor.core.calendars`: exchange_calendars and pandas, a
second and more to import) are imported on the first question about an exchange venue in
``exchange`` mode, never in ``always_open`` mode.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, NamedTuple
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from monitor.core.calendars import DaySchedule

NS = 1_000_000_000
HKT = ZoneInfo("Asia/Hong_Kong")
NEW_YORK = ZoneInfo("America/New_York")
US_VENUES = frozenset({"XNAS", "XNYS", "ARCX", "BATS", "OTC"})
CLOSING_AUCTION = timedelta(minutes=10)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class Phase(enum.StrEnum):
    """Session phase; ``continuous`` and ``regular`` are the phases with live quotes."""

    CLOSED = "closed"
    PRE_OPEN = "pre_open"  # HK pre-opening auction
    CONTINUOUS = "continuous"  # HK continuous trading
    LUNCH = "lunch"
    CLOSING_AUCTION = "closing_auction"
    PRE_MARKET = "pre_market"
    REGULAR = "regular"  # US regular session
    POST_MARKET = "post_market"
    OPEN = "open"  # FX

    @property
    def trading(self) -> bool:
        """Whether the venue trades in this phase (auctions and extended hours included)."""
        return self not in (Phase.CLOSED, Phase.LUNCH)

    @property
    def live(self) -> bool:
        """Whether prices should stream in this phase (staleness limits apply)."""
        return self in (Phase.CONTINUOUS, Phase.REGULAR, Phase.OPEN)


class Interval(NamedTuple):
    start: int
    end: int
    phase: Phase


def _local(day: date, clock: time, zone: ZoneInfo) -> int:
    return (datetime.combine(day, clock, tzinfo=zone) - EPOCH) // MICROSECOND * 1_000


class SessionCalendar:
    """Phase of each venue at a given time; ``mode='always_open'`` for demos and tests."""

    def __init__(
        self,
        mode: Literal["exchange", "always_open"] = "exchange",
        us_extended_hours: bool = True,
    ) -> None:
        self.mode = mode
        self.us_extended_hours = us_extended_hours
        self._venue_of: dict[str, str] = {}

    def register(self, instrument: str, venue: str) -> None:
        """Tell the calendar which venue ``instrument`` trades on."""
        self._venue_of[instrument] = venue

    def venue_of(self, instrument: str) -> str:
        return self._venue_of.get(instrument, "FX")

    def is_open(self, instrument: str, now_ns: int) -> bool:
        """Whether ``instrument`` should be streaming live prices at ``now_ns``."""
        return self.phase(self.venue_of(instrument), now_ns).live

    def phase(self, venue: str, now_ns: int) -> Phase:
        """The session phase of ``venue`` at ``now_ns``."""
        if self.mode == "always_open":
            return Phase.OPEN if venue == "FX" else _live_phase(venue)
        for interval in self._intervals(venue, now_ns):
            if interval.start <= now_ns < interval.end:
                return interval.phase
        return Phase.CLOSED

    def last_close(self, venue: str, now_ns: int) -> int | None:
        """End of the venue's most recent whole trading day at or before ``now_ns``."""
        if self.mode == "always_open":
            return None
        day = _venue_date(venue, now_ns)
        for back in range(0, 15):
            intervals = self._day(venue, day - timedelta(days=back))
            if intervals and intervals[-1].end <= now_ns:
                return intervals[-1].end
        return None

    def _intervals(self, venue: str, now_ns: int) -> list[Interval]:
        day = _venue_date(venue, now_ns)
        return [*self._day(venue, day - timedelta(days=1)), *self._day(venue, day)]

    def _day(self, venue: str, day: date) -> tuple[Interval, ...]:
        if venue == "XHKG":
            return _hkex_day(day)
        if venue == "OTC":
            return _otc_day(day, self.us_extended_hours)
        if venue in US_VENUES:
            return _us_day(day, self.us_extended_hours)
        return _fx_day(day)


def _live_phase(venue: str) -> Phase:
    return Phase.CONTINUOUS if venue == "XHKG" else Phase.REGULAR


def _venue_date(venue: str, now_ns: int) -> date:
    zone = HKT if venue == "XHKG" else NEW_YORK
    return datetime.fromtimestamp(now_ns / NS, tz=zone).date()


def _schedule(name: str, day: date) -> DaySchedule | None:
    from monitor.core.calendars import schedule  # exchange_calendars and pandas: heavy

    return schedule(name, day)


@lru_cache(maxsize=64)
def _hkex_day(day: date) -> tuple[Interval, ...]:
    row = _schedule("XHKG", day)
    if row is None:
        return ()
    open_, close = row.open, row.close
    pre_open = _local(day, time(9, 0), HKT)
    auction_end = close + CLOSING_AUCTION.seconds * NS
    out = [Interval(pre_open, open_, Phase.PRE_OPEN)]
    if row.break_start is not None and row.break_end is not None:
        lunch, resume = row.break_start, row.break_end
        out += [
            Interval(open_, lunch, Phase.CONTINUOUS),
            Interval(lunch, resume, Phase.LUNCH),
            Interval(resume, close, Phase.CONTINUOUS),
        ]
    else:  # half day: morning only
        out.append(Interval(open_, close, Phase.CONTINUOUS))
    out.append(Interval(close, auction_end, Phase.CLOSING_AUCTION))
    return tuple(out)


@lru_cache(maxsize=64)
def _us_day(day: date, extended: bool) -> tuple[Interval, ...]:
    row = _schedule("XNAS", day)
    if row is None:
        return ()
    open_, close = row.open, row.close
    out = [Interval(open_, close, Phase.REGULAR)]
    if extended:
        early_close = close < _local(day, time(16, 0), NEW_YORK)
        post_end = _local(day, time(17, 0) if early_close else time(20, 0), NEW_YORK)
        out.insert(0, Interval(_local(day, time(4, 0), NEW_YORK), open_, Phase.PRE_MARKET))
        out.append(Interval(close, post_end, Phase.POST_MARKET))
    return tuple(out)


@lru_cache(maxsize=64)
def _otc_day(day: date, extended: bool) -> tuple[Interval, ...]:
    row = _schedule("XNAS", day)  # OTC Link trades on the US exchanges' days
    if row is None:
        return ()
    open_, close = row.open, row.close
    out = [Interval(open_, close, Phase.REGULAR)]
    if extended:
        out.insert(0, Interval(_local(day, time(6, 0), NEW_YORK), open_, Phase.PRE_MARKET))
        out.append(Interval(close, _local(day, time(17, 0), NEW_YORK), Phase.POST_MARKET))
    return tuple(out)


@lru_cache(maxsize=64)
def _fx_day(day: date) -> tuple[Interval, ...]:
    # A New York calendar day: open all day Mon-Thu, until 17:00 Fri, from 17:00 Sun.
    weekday = day.weekday()
    start, end = (
        _local(day, time(0, 0), NEW_YORK),
        _local(day + timedelta(days=1), time(0, 0), NEW_YORK),
    )
    five_pm = _local(day, time(17, 0), NEW_YORK)
    if weekday <= 3:
        return (Interval(start, end, Phase.OPEN),)
    if weekday == 4:
        return (Interval(start, five_pm, Phase.OPEN),)
    if weekday == 6:
        return (Interval(five_pm, end, Phase.OPEN),)
    return ()
