"""Pure parsing of OANDA v20 pricing stream lines.

``PRICE`` lines become :class:`FxQuote` events from the best bid and ask (prices are
strings; ``time`` is RFC 3339 with nanoseconds, parsed exactly). ``HEARTBEAT`` lines
become a ``heartbeat`` :class:`Control`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.core.events import FxQuote
from monitor.feeds.wire import Control, Parsed, ParseError, loads, rfc3339_to_ns, to_float


class OandaParser:
    """Parse lines for a fixed OANDA-instrument -> canonical map."""

    def __init__(self, symbols: Mapping[str, str]) -> None:
        self._symbols = dict(symbols)

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one line; raise :class:`ParseError` if it cannot be read."""
        message = loads(frame)
        if not isinstance(message, dict):
            raise ParseError("line is not an object")
        kind = message.get("type")
        parsed = Parsed()
        if kind == "PRICE":
            quote = self._price(message, ts_recv)
            if quote is not None:
                parsed.events.append(quote)
            else:
                parsed.unknown(message.get("instrument"))
        elif kind == "HEARTBEAT":
            parsed.controls.append(Control("heartbeat", str(message.get("time", ""))))
        else:
            parsed.controls.append(Control(str(kind or "unknown")))
        return parsed

    def _price(self, message: dict[str, Any], ts_recv: int) -> FxQuote | None:
        symbol = message.get("instrument")
        instrument = self._symbols.get(symbol) if type(symbol) is str else None
        if instrument is None:
            return None
        return FxQuote(
            instrument=instrument,
            bid=_best(message, "bids", "closeoutBid"),
            ask=_best(message, "asks", "closeoutAsk"),
            ts_event=rfc3339_to_ns(message.get("time")),
            ts_recv=ts_recv,
        )


def _best(message: dict[str, Any], side: str, closeout: str) -> float:
    levels = message.get(side)
    if isinstance(levels, list) and levels and isinstance(levels[0], dict):
        return to_float(levels[0].get("price"), f"{side}[0].price")
    return to_float(message.get(closeout), closeout)
