"""The recorded tick format (DESIGN.md "Recorded tick files"): one event a row.

Columns, in this order: ``ts, instrument, kind, bid, bid_size, ask, ask_size, price, size``.
``ts`` is integer nanoseconds UTC (written) or ISO-8601 with a zone (also read); ``kind``
is ``quote`` or ``trade``; columns that do not apply are empty. A quote with both sizes
empty is an FX quote (:class:`FxQuote`, e.g. ``USDHKD``); a trade with an empty size is a
last-price update of size 0. The timestamp written is the event's exchange time.

Pure functions: no I/O. Reading turns a bad row into :class:`TickFormatError`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from monitor.core.events import NS_PER_SECOND, Event, FxQuote, Quote, Trade
from monitor.errors import DlmonError

COLUMNS = ("ts", "instrument", "kind", "bid", "bid_size", "ask", "ask_size", "price", "size")
QUOTE, TRADE = "quote", "trade"
MIN_TS_NS = 10**17  # 1973-03-03: smaller integers are seconds or milliseconds, not ns

Cell = str | int | float | None
Row = tuple[int, str, str, float | None, float | None, float | None, float | None, float | None,
            float | None]  # fmt: skip

_ISO = re.compile(
    r"^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)(?:[.,](\d{1,9}))?(Z|z|[+-]\d\d(?::?\d\d)?)$"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TickFormatError(DlmonError):
    """A row of a tick file is malformed; the message names the file and the line."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


# ---------------------------------------------------------------------------- writing
def event_row(event: Event) -> Row:
    """The row of one normalized event (``None`` where a column does not apply)."""
    if type(event) is Quote:
        return (event.ts_event, event.instrument, QUOTE, event.bid, event.bid_size,
                event.ask, event.ask_size, None, None)  # fmt: skip
    if type(event) is FxQuote:
        return (event.ts_event, event.instrument, QUOTE, event.bid, None, event.ask, None,
                None, None)  # fmt: skip
    assert type(event) is Trade
    return (event.ts_event, event.instrument, TRADE, None, None, None, None, event.price,
            event.size)  # fmt: skip


def format_number(value: float | None) -> str:
    """Shortest text that reads back to exactly ``value`` ("" for None; "1200" for 1200.0)."""
    if value is None:
        return ""
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def csv_cells(row: Row) -> list[str]:
    return [str(row[0]), row[1], row[2], *(format_number(v) for v in row[3:])]


# ---------------------------------------------------------------------------- reading
def parse_ts(value: Cell) -> int:
    """Nanoseconds UTC from integer nanoseconds or ISO-8601 with a zone; ValueError if bad."""
    if isinstance(value, int) and not isinstance(value, bool):
        return _check_ns(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("ts has no time zone")
        delta = value - _EPOCH
        return (delta.days * 86_400 + delta.seconds) * NS_PER_SECOND + delta.microseconds * 1000
    if not isinstance(value, str) or not value.strip():
        raise ValueError("ts is empty")
    text = value.strip()
    if text.isdigit():
        return _check_ns(int(text))
    match = _ISO.match(text)
    if match is None:
        raise ValueError(
            f"ts {text!r} is neither integer nanoseconds nor ISO-8601 with a time zone"
        )
    base, fraction, zone = match.groups()
    zone = "+00:00" if zone in ("Z", "z") else zone
    try:
        moment = datetime.fromisoformat(base + zone)
    except ValueError as exc:
        raise ValueError(f"ts {text!r}: {exc}") from None
    delta = moment - _EPOCH
    seconds = delta.days * 86_400 + delta.seconds
    return seconds * NS_PER_SECOND + int((fraction or "0").ljust(9, "0"))


def _check_ns(ns: int) -> int:
    if ns < MIN_TS_NS:
        raise ValueError(f"ts {ns} is too small for nanoseconds (seconds or milliseconds?)")
    return ns


def _number(value: Cell, column: str) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{column} is not a number: {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{column} is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{column} is not finite: {value!r}")
    return number


def _required(value: Cell, column: str, kind: str) -> float:
    number = _number(value, column)
    if number is None:
        raise ValueError(f"{column} is empty in a {kind} row")
    return number


def row_event(cells: Sequence[Cell], source: str) -> Event:
    """The event of one row in :data:`COLUMNS` order; ValueError naming the bad column."""
    if len(cells) != len(COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} columns, got {len(cells)}")
    ts = parse_ts(cells[0])
    instrument = cells[1]
    if not isinstance(instrument, str) or not instrument.strip():
        raise ValueError("instrument is empty")
    instrument = instrument.strip()
    kind = cells[2].strip().lower() if isinstance(cells[2], str) else cells[2]
    if kind == QUOTE:
        bid = _required(cells[3], "bid", QUOTE)
        ask = _required(cells[5], "ask", QUOTE)
        bid_size, ask_size = _number(cells[4], "bid_size"), _number(cells[6], "ask_size")
        if bid_size is None and ask_size is None:
            return FxQuote(instrument, bid, ask, ts, ts, source)
        if bid_size is None or ask_size is None:
            raise ValueError("a quote needs both sizes (equity) or neither (FX)")
        return Quote(instrument, bid, bid_size, ask, ask_size, ts, ts, source)
    if kind == TRADE:
        price = _required(cells[7], "price", TRADE)
        size = _number(cells[8], "size")
        return Trade(instrument, price, 0.0 if size is None else size, ts, ts, source)
    raise ValueError(f"kind {cells[2]!r} is neither {QUOTE!r} nor {TRADE!r}")


__all__ = [
    "COLUMNS",
    "QUOTE",
    "TRADE",
    "Row",
    "TickFormatError",
    "csv_cells",
    "event_row",
    "format_number",
    "parse_ts",
    "row_event",
]
