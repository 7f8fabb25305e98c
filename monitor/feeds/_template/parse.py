"""Pure parsing of the provider's frames (template).

Shape assumed here: a JSON array of objects with ``type`` ``quote``/``trade``/``status``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.core.events import Event, Quote, Trade
from monitor.feeds.wire import Control, Parsed, ParseError, epoch_to_ns, loads, to_float


class TemplateParser:
    """Parse frames for a fixed provider-symbol -> canonical map."""

    def __init__(self, symbols: Mapping[str, str]) -> None:
        self._symbols = dict(symbols)

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one frame; a bad element goes to ``errors`` and the rest survives."""
        data = loads(frame)
        parsed = Parsed()
        for item in data if isinstance(data, list) else [data]:
            try:
                if isinstance(item, dict) and item.get("type") == "status":
                    parsed.controls.append(Control(str(item.get("status", ""))))
                    continue
                event = self._event(item, ts_recv, parsed)
            except Exception as exc:  # one bad element never loses the others
                parsed.reject(exc)
                continue
            if event is not None:
                parsed.events.append(event)
        return parsed

    def _event(self, item: Any, ts_recv: int, parsed: Parsed) -> Event | None:
        if not isinstance(item, dict):
            raise ParseError("element is not an object")
        symbol = item.get("symbol")
        instrument = self._symbols.get(symbol) if type(symbol) is str else None
        if instrument is None:
            parsed.unknown(symbol)  # counted, never silently dropped
            return None
        ts = epoch_to_ns(item.get("ts"), "ms")
        if item.get("type") == "quote":
            return Quote(
                instrument,
                to_float(item.get("bid"), "bid"),
                to_float(item.get("bid_size", 0), "bid_size"),
                to_float(item.get("ask"), "ask"),
                to_float(item.get("ask_size", 0), "ask_size"),
                ts,
                ts_recv,
            )
        if item.get("type") == "trade":
            price = to_float(item.get("price"), "price")
            return Trade(instrument, price, to_float(item.get("size", 0), "size"), ts, ts_recv)
        return None
