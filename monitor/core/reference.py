"""Session-aware reference prices: which leg trades now, and each venue's official close.

While one venue trades and the other is closed, the premium is computed against the
closed venue's official close:

- HKEX: the closing-auction price, i.e. the last print during the closing auction
  (16:00 to the random close); on a day without an auction print (half days, a quiet
  auction) the last print of the continuous session.
- US lines: the last print of the regular session, plus prints within
  ``us_close_grace_seconds`` after the close (the closing cross is reported at 16:00:00.x).

:class:`SessionClock` caches each venue's phase per minute (every session boundary of
:class:`~monitor.core.sessions.SessionCalendar` falls on a whole minute), so the hot
path pays a dictionary lookup, not a calendar computation. It optionally adds the US
overnight session (Blue Ocean ATS, Sun-Thu 20:00-04:00 New York, on the nights before
US trading days), which the calendar does not model.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Final

from monitor.core.sessions import NEW_YORK, US_VENUES, Phase, SessionCalendar

NS: Final = 1_000_000_000
MINUTE_NS: Final = 60 * NS
HOUR_NS = 3600 * NS
OVERNIGHT = "overnight"
NOT_TRADING: Final = frozenset({Phase.CLOSED.value, Phase.LUNCH.value})
MAIN_SESSION = frozenset({Phase.CONTINUOUS.value, Phase.REGULAR.value})  # opens, closes
_OVERNIGHT_START, _OVERNIGHT_END = time(20, 0), time(4, 0)
_UTC_OFFSET_HOURS = {"XHKG": 8}  # venue-local day for day keys (US days: New York, see below)


class SessionClock:
    """Phase and venue-local trading day per venue, cached per minute."""

    __slots__ = ("_cache", "calendar", "us_overnight")

    def __init__(self, calendar: SessionCalendar, us_overnight: bool = False) -> None:
        self.calendar = calendar
        self.us_overnight = us_overnight
        self._cache: dict[str, tuple[int, str, int]] = {}

    def lookup(self, venue: str, ts_ns: int) -> tuple[str, int]:
        """(phase, venue-local day number) of ``venue`` at ``ts_ns``."""
        minute = ts_ns // MINUTE_NS
        hit = self._cache.get(venue)
        if hit is not None and hit[0] == minute:
            return hit[1], hit[2]
        phase = self._phase(venue, minute * MINUTE_NS)
        day = _local_day(venue, ts_ns)
        self._cache[venue] = (minute, phase, day)
        return phase, day

    def phase(self, venue: str, ts_ns: int) -> str:
        """The phase name of ``venue`` at ``ts_ns`` (``overnight`` if enabled and open)."""
        return self.lookup(venue, ts_ns)[0]

    def trading(self, venue: str, ts_ns: int) -> bool:
        """Whether ``venue`` trades at ``ts_ns`` (auctions, extended hours, overnight)."""
        return self.lookup(venue, ts_ns)[0] not in NOT_TRADING

    def trading_in_minute(self, venue: str, minute: int) -> bool:
        """Whether ``venue`` trades in epoch minute ``minute`` (uncached; read side)."""
        return self._phase(venue, minute * MINUTE_NS) not in NOT_TRADING

    def _phase(self, venue: str, ts_ns: int) -> str:
        phase = self.calendar.phase(venue, ts_ns).value
        if phase == Phase.CLOSED.value and self.us_overnight and venue in US_VENUES:
            if self._overnight_open(ts_ns):
                return OVERNIGHT
        return phase

    def _overnight_open(self, ts_ns: int) -> bool:
        local = datetime.fromtimestamp(ts_ns / NS, tz=NEW_YORK)
        if local.time() >= _OVERNIGHT_START:
            session_day = local.date() + timedelta(days=1)
        elif local.time() < _OVERNIGHT_END:
            session_day = local.date()
        else:
            return False
        noon = datetime.combine(session_day, time(12, 0), tzinfo=NEW_YORK)
        probe = int(noon.timestamp()) * NS
        return self.calendar.phase("XNAS", probe) == Phase.REGULAR


def _local_day(venue: str, ts_ns: int) -> int:
    hours = _UTC_OFFSET_HOURS.get(venue)
    if hours is not None:
        return (ts_ns + hours * HOUR_NS) // (24 * HOUR_NS)
    return datetime.fromtimestamp(ts_ns / NS, tz=NEW_YORK).date().toordinal() - 719163


class CloseTracker:
    """The official close of one equity line, fed with the active source's prints."""

    __slots__ = ("day", "from_auction", "grace_ns", "price", "ts", "venue")

    def __init__(self, venue: str, us_close_grace_seconds: float) -> None:
        self.venue = venue
        self.grace_ns = int(us_close_grace_seconds * NS)
        self.price = float("nan")
        self.ts = 0
        self.day = -1
        self.from_auction = False

    def on_trade(self, price: float, ts_ns: int, clock: SessionClock) -> bool:
        """Consider a print; return True if it set the official close."""
        phase, day = clock.lookup(self.venue, ts_ns)
        if self.venue == "XHKG":
            if phase == Phase.CLOSING_AUCTION.value:
                return self._set(price, ts_ns, day, auction=True)
            if phase == Phase.CONTINUOUS.value and not (self.from_auction and day == self.day):
                return self._set(price, ts_ns, day, auction=False)
            return False
        if phase == Phase.REGULAR.value or (
            phase == Phase.POST_MARKET.value
            and clock.phase(self.venue, ts_ns - self.grace_ns) == Phase.REGULAR.value
        ):
            return self._set(price, ts_ns, day, auction=False)
        return False

    def _set(self, price: float, ts_ns: int, day: int, auction: bool) -> bool:
        if day < self.day or (day == self.day and ts_ns < self.ts):
            return False  # a late print of an earlier day or an out-of-order one
        self.price, self.ts, self.day, self.from_auction = price, ts_ns, day, auction
        return True
