"""The wire encoding of the tick bus, version 1 (msgpack; docs/scale-out.md "Encoding").

A message is a msgpack array whose first element is the version (``1``) and whose second
says what follows:

- ``[1, 0, [event, ...]]``: a batch of normalized events of one feed and instrument, in
  the order the feed produced them. An event is an array
  ``[kind, instrument, ts_event, ts_recv, source, ...]`` with integer nanoseconds and
  ``kind`` 0 = quote ``..., bid, bid_size, ask, ask_size]``, 1 = trade
  ``..., price, size]``, 2 = FX quote ``..., bid, ask]``; prices and sizes are floats.
- ``[1, 1, feed, state, reason, ts_ns, messages_total]``: the health of one gateway feed
  (``state`` is a :class:`~monitor.feeds.base.FeedState` value).

A reader refuses any other version with :class:`BusFormatError` (a later version adds a
new number; readers of this one then count the message as an error and go on).
Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgpack

from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.errors import DlmonError

VERSION = 1
EVENTS, HEALTH = 0, 1
QUOTE, TRADE, FX = 0, 1, 2


class BusFormatError(DlmonError):
    """A bus message that this version cannot read."""


@dataclass(frozen=True, slots=True)
class HealthNote:
    """A gateway feed's health as published on the bus."""

    feed: str
    state: str
    reason: str
    ts_ns: int
    messages_total: int

    @property
    def up(self) -> bool:
        return self.state == "streaming"


def _row(event: Event) -> list[Any]:
    if type(event) is Quote:
        return [QUOTE, event.instrument, event.ts_event, event.ts_recv, event.source,
                event.bid, event.bid_size, event.ask, event.ask_size]  # fmt: skip
    if type(event) is Trade:
        return [TRADE, event.instrument, event.ts_event, event.ts_recv, event.source,
                event.price, event.size]  # fmt: skip
    assert type(event) is FxQuote
    return [FX, event.instrument, event.ts_event, event.ts_recv, event.source, event.bid,
            event.ask]  # fmt: skip


def encode_events(events: Sequence[Event]) -> bytes:
    """One message holding ``events`` (in order)."""
    data: bytes = msgpack.packb([VERSION, EVENTS, [_row(e) for e in events]])
    return data


def encode_health(note: HealthNote) -> bytes:
    data: bytes = msgpack.packb(
        [VERSION, HEALTH, note.feed, note.state, note.reason, note.ts_ns, note.messages_total]
    )
    return data


def _event(row: Sequence[Any]) -> Event:
    kind = row[0]
    if kind == QUOTE:
        return Quote(row[1], float(row[5]), float(row[6]), float(row[7]), float(row[8]),
                     int(row[2]), int(row[3]), row[4])  # fmt: skip
    if kind == TRADE:
        return Trade(row[1], float(row[5]), float(row[6]), int(row[2]), int(row[3]), row[4])
    if kind == FX:
        return FxQuote(row[1], float(row[5]), float(row[6]), int(row[2]), int(row[3]), row[4])
    raise BusFormatError(f"unknown event kind {kind!r}")


def decode(data: bytes) -> list[Event] | HealthNote:
    """The events or the health note of one message; BusFormatError if unreadable."""
    try:
        message = msgpack.unpackb(data, use_list=False)
        if not isinstance(message, tuple) or len(message) < 3:
            raise BusFormatError("not a dlmon bus message")
        if message[0] != VERSION:
            raise BusFormatError(f"encoding version {message[0]!r} (this reader: {VERSION})")
        if message[1] == EVENTS:
            return [_event(row) for row in message[2]]
        if message[1] == HEALTH:
            _, _, feed, state, reason, ts_ns, total = message
            return HealthNote(str(feed), str(state), str(reason), int(ts_ns), int(total))
        raise BusFormatError(f"unknown message type {message[1]!r}")
    except BusFormatError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, msgpack.UnpackException) as exc:
        raise BusFormatError(f"malformed bus message: {type(exc).__name__}: {exc}") from None


__all__ = [
    "VERSION",
    "BusFormatError",
    "HealthNote",
    "decode",
    "encode_events",
    "encode_health",
]
