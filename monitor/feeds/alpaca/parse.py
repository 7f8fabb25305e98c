"""Pure parsing of Alpaca market data v2 frames (JSON arrays, possibly batched).

``t`` is an RFC 3339 string with nanoseconds, parsed exactly to int ns (int ns already on
the msgpack encoding, see :mod:`~monitor.feeds.alpaca.encoding`). Quote sizes are turned
into shares by :class:`~monitor.feeds.units.QuoteSizes`. Control messages
(``success``, ``error``, ``subscription``) become :class:`Control`; bars, statuses, LULD,
corrections and cancels are not used. Each element is parsed on its own: one that fails
is reported, the others delivered. The common quote shape (float prices, int sizes) takes a
fast path of exact type checks; anything else goes through the exact checks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson

from monitor.core.events import Quote, Trade
from monitor.feeds.alpaca.encoding import event_time_ns
from monitor.feeds.units import QuoteSizes
from monitor.feeds.wire import Control, Parsed, ParseError, loads, to_float

CONTROL_TYPES = frozenset({"success", "error", "subscription"})


class AlpacaParser:
    """Parse frames for a fixed provider-symbol -> canonical map."""

    def __init__(
        self,
        symbols: Mapping[str, str],
        sizes: QuoteSizes | None = None,
        decode: Callable[[str | bytes], Any] = loads,
    ) -> None:
        self._symbols = dict(symbols)
        self._sizes = sizes or QuoteSizes()
        self._decode = decode

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one frame; bad elements are reported in ``errors``, not raised."""
        data = self._decode(frame)
        items = data if isinstance(data, list) else [data]
        parsed = Parsed()
        for item in items:
            try:
                self._item(item, ts_recv, parsed)
            except Exception as exc:  # one bad element never loses the others
                parsed.reject(exc)
        return parsed

    def _item(self, item: Any, ts_recv: int, parsed: Parsed) -> None:
        if not isinstance(item, dict):
            raise ParseError(f"element is not an object: {item!r:.80}")
        kind = item.get("T")
        if kind in CONTROL_TYPES:
            parsed.controls.append(control(item))
        elif kind == "q" or kind == "t":
            symbol = item.get("S")
            instrument = self._symbols.get(symbol) if type(symbol) is str else None
            if instrument is None:
                parsed.unknown(symbol)
            elif kind == "q":
                parsed.events.append(self._quote(instrument, item, ts_recv))
            else:
                parsed.events.append(self._trade(instrument, item, ts_recv))

    def _quote(self, instrument: str, item: dict[str, Any], ts_recv: int) -> Quote:
        bid, ask = item.get("bp"), item.get("ap")
        bid_units, ask_units = item.get("bs", 0), item.get("as", 0)
        if not (
            type(bid) is float
            and type(ask) is float
            and type(bid_units) is int
            and type(ask_units) is int
        ):  # not the common shape: the exact checks decide, and name the reason
            bid, ask = to_float(bid, "bp"), to_float(ask, "ap")
            bid_units, ask_units = to_float(bid_units, "bs"), to_float(ask_units, "as")
        ts_event = event_time_ns(item.get("t"))
        lot = self._sizes(max(bid, ask), ts_event)  # reported quote size -> shares (feeds/units.py)
        return Quote(instrument, bid, bid_units * lot, ask, ask_units * lot, ts_event, ts_recv)

    def _trade(self, instrument: str, item: dict[str, Any], ts_recv: int) -> Trade:
        return Trade(
            instrument=instrument,
            price=to_float(item.get("p"), "p"),
            size=to_float(item.get("s", 0), "s"),
            ts_event=event_time_ns(item.get("t")),
            ts_recv=ts_recv,
        )


def control(item: dict[str, Any]) -> Control:
    """``success``/``error``/``subscription`` -> Control (the ack lists the channels)."""
    kind = str(item["T"])
    if kind == "subscription":
        lists = {k: v for k, v in item.items() if k != "T"}
        return Control(kind, orjson.dumps(lists).decode())
    code = item.get("code")
    return Control(kind, str(item.get("msg", "")), code if isinstance(code, int) else None)
