"""Pure conversion of Futu push payloads into normalized events.

Futu time strings are in the market's local time: Beijing time (UTC+8) for HK and the
A-share markets, US/Eastern (with DST) for US. Formats seen: ``2026-02-11 16:08:05``,
``...05.123`` and ``...05:123`` (ticker times). Codes are ``HK.02026`` / ``US.PONY``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.core.events import Quote, Trade
from monitor.feeds.wire import Parsed

BEIJING = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
MARKET_ZONES: dict[str, ZoneInfo] = {"HK": BEIJING, "SH": BEIJING, "SZ": BEIJING, "US": NEW_YORK}
_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:[.:](\d{1,9}))?")
NS = 1_000_000_000


class FutuParseError(ValueError):
    """A push payload cannot be read."""


def futu_code(instrument: str) -> str | None:
    """Futu code of a canonical id: ``2026.HK`` -> ``HK.02026``, ``PONY`` -> ``US.PONY``."""
    if len(instrument) == 6 and instrument.isalpha() and instrument.isupper():
        return None  # FX: Futu has no USD/HKD quote
    if instrument.upper().endswith(".HK"):
        return f"HK.{instrument[:-3].zfill(5)}"
    return f"US.{instrument}"


def zone_of(code: str) -> ZoneInfo:
    """Time zone of a Futu code's market (``HK.`` -> Beijing time, ``US.`` -> New York)."""
    try:
        return MARKET_ZONES[code.split(".", 1)[0]]
    except KeyError:
        raise FutuParseError(f"unknown market in code {code!r}") from None


def local_to_ns(text: str, zone: ZoneInfo) -> int:
    """Convert a Futu local time string in ``zone`` to ns since the epoch (exact)."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise FutuParseError(f"not a Futu time: {text!r}")
    y, mo, d, h, mi, s, frac = match.groups()
    try:
        local = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=zone)
    except ValueError as exc:
        raise FutuParseError(f"not a Futu time: {text!r} ({exc})") from None
    seconds = int(local.timestamp())
    nanos = int(frac.ljust(9, "0")) if frac else 0
    return seconds * NS + nanos


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise FutuParseError(f"{what} is not a number: {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FutuParseError(f"{what} is not a number: {value!r}") from None
    if math.isnan(number):
        raise FutuParseError(f"{what} is NaN")
    return number


@dataclass(slots=True)
class FutuParser:
    """Turn Futu pushes into events; remembers the last ticker sequence per code."""

    symbols: Mapping[str, str]  # futu code -> canonical id
    trades_from_quotes: bool = False
    drop_hk_odd_lots: bool = True
    odd_lots_dropped: int = 0
    _sequences: dict[str, int] = field(default_factory=dict)

    def order_book(self, book: Mapping[str, Any], ts_recv: int) -> list[Quote]:
        """Best bid/ask and sizes from an order book push (``Bid``/``Ask`` tuples)."""
        instrument = self.symbols.get(str(book.get("code", "")))
        bids, asks = book.get("Bid") or [], book.get("Ask") or []
        if instrument is None or not bids or not asks:
            return []
        zone = zone_of(str(book["code"]))
        stamps = [
            local_to_ns(str(book[key]), zone)
            for key in ("svr_recv_time_bid", "svr_recv_time_ask")
            if _TIME.fullmatch(str(book.get(key) or "").strip())  # empty/zero for cached data
        ]
        bid, ask = bids[0], asks[0]
        return [
            Quote(
                instrument,
                _number(bid[0], "bid"),
                _number(bid[1], "bid volume"),
                _number(ask[0], "ask"),
                _number(ask[1], "ask volume"),
                max(stamps) if stamps else ts_recv,
                ts_recv,
            )
        ]

    def tickers(
        self, rows: Iterable[Mapping[str, Any]], ts_recv: int, report: Parsed | None = None
    ) -> list[Trade]:
        """Trades from ticker rows; repeats (same or older ``sequence``) are skipped.

        Each row is read on its own: a bad row or an unknown code goes to ``report`` and
        the other rows are delivered.
        """
        report = report if report is not None else Parsed()
        trades: list[Trade] = []
        for row in rows:
            try:
                trade = self._ticker(row, ts_recv, report)
            except Exception as exc:  # one bad row never loses the others
                report.reject(exc)
                continue
            if trade is not None:
                trades.append(trade)
        return trades

    def _ticker(self, row: Mapping[str, Any], ts_recv: int, report: Parsed) -> Trade | None:
        code = str(row.get("code", ""))
        instrument = self.symbols.get(code)
        if instrument is None:
            report.unknown(code)
            return None
        sequence = int(row.get("sequence") or 0)
        if sequence and sequence <= self._sequences.get(code, 0):
            return None
        if sequence:
            self._sequences[code] = sequence
        if self.drop_hk_odd_lots and code.startswith("HK.") and row.get("type") == "ODD_LOT":
            self.odd_lots_dropped += 1  # odd-lot book: not the board-lot price
            return None
        return Trade(
            instrument,
            _number(row.get("price"), "price"),
            _number(row.get("volume"), "volume"),
            local_to_ns(str(row.get("time", "")), zone_of(code)),
            ts_recv,
        )

    def quotes(
        self, rows: Iterable[Mapping[str, Any]], ts_recv: int, report: Parsed | None = None
    ) -> list[Trade]:
        """Last-price updates (size 0) from quote rows, only without the ticker channel.

        Each row is read on its own, as in :meth:`tickers`.
        """
        if not self.trades_from_quotes:
            return []
        report = report if report is not None else Parsed()
        trades: list[Trade] = []
        for row in rows:
            try:
                trade = self._quote_row(row, ts_recv, report)
            except Exception as exc:  # one bad row never loses the others
                report.reject(exc)
                continue
            if trade is not None:
                trades.append(trade)
        return trades

    def _quote_row(self, row: Mapping[str, Any], ts_recv: int, report: Parsed) -> Trade | None:
        code = str(row.get("code", ""))
        instrument = self.symbols.get(code)
        if instrument is None:
            report.unknown(code)
            return None
        price = _number(row.get("last_price"), "last_price")
        if price <= 0:
            return None
        stamp = f"{row.get('data_date', '')} {row.get('data_time', '')}"
        return Trade(instrument, price, 0.0, local_to_ns(stamp, zone_of(code)), ts_recv)


__all__ = [
    "BEIJING",
    "NEW_YORK",
    "FutuParseError",
    "FutuParser",
    "futu_code",
    "local_to_ns",
    "zone_of",
]
