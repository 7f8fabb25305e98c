"""Pure parsing of Polygon/Massive websocket frames (JSON arrays of ``ev`` objects).

Quote sizes (``bs``/``as``) are turned into shares by :class:`~monitor.feeds.units.QuoteSizes`
(round lots before 2025-11-03, shares since); timestamps
are Unix milliseconds (checked by magnitude). Status objects become :class:`Control`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.feeds.units import QuoteSizes
from monitor.feeds.wire import Control, Parsed, ParseError, epoch_auto_ns, loads, to_float


def normalize_pair(symbol: str) -> str:
    """``USD/HKD``, ``USD-HKD`` or ``C:USDHKD`` -> ``USDHKD`` (for reverse lookups)."""
    text = symbol.upper()
    if text.startswith("C:"):
        text = text[2:]
    return text.replace("/", "").replace("-", "")


class PolygonParser:
    """Parse frames for a fixed provider-symbol -> canonical map (pure, reusable)."""

    def __init__(self, symbols: Mapping[str, str], sizes: QuoteSizes | None = None) -> None:
        self._symbols = dict(symbols)
        self._pairs = {normalize_pair(k): v for k, v in symbols.items()}
        self._sizes = sizes or QuoteSizes()

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one frame; bad elements are reported in ``errors``, not raised."""
        data = loads(frame)
        items = data if isinstance(data, list) else [data]
        parsed = Parsed()
        for item in items:
            try:
                self._item(item, ts_recv, parsed)
            except ParseError as exc:
                parsed.errors.append(str(exc))
        return parsed

    def _item(self, item: Any, ts_recv: int, parsed: Parsed) -> None:
        if not isinstance(item, dict):
            raise ParseError(f"element is not an object: {item!r:.80}")
        ev = item.get("ev")
        if ev == "status":
            parsed.controls.append(
                Control(str(item.get("status", "")), str(item.get("message", "")))
            )
            return
        event = self._event(ev, item, ts_recv)
        if event is not None:
            parsed.events.append(event)

    def _event(self, ev: Any, item: dict[str, Any], ts_recv: int) -> Event | None:
        if ev == "Q":
            return self._quote(item, ts_recv)
        if ev == "T":
            return self._trade(item, ts_recv)
        if ev == "C":
            return self._forex(item, ts_recv)
        return None  # aggregates and other channels are not used

    def _quote(self, item: dict[str, Any], ts_recv: int) -> Quote | None:
        instrument = self._symbols.get(item.get("sym", ""))
        if instrument is None:
            return None
        bid, ask = to_float(item.get("bp"), "bp"), to_float(item.get("ap"), "ap")
        ts_event = epoch_auto_ns(item.get("t"))
        lot = self._sizes(max(bid, ask), ts_event)
        return Quote(
            instrument=instrument,
            bid=bid,
            bid_size=to_float(item.get("bs", 0), "bs") * lot,
            ask=ask,
            ask_size=to_float(item.get("as", 0), "as") * lot,
            ts_event=ts_event,
            ts_recv=ts_recv,
        )

    def _trade(self, item: dict[str, Any], ts_recv: int) -> Trade | None:
        instrument = self._symbols.get(item.get("sym", ""))
        if instrument is None:
            return None
        return Trade(
            instrument=instrument,
            price=to_float(item.get("p"), "p"),
            size=to_float(item.get("s", 0), "s"),
            ts_event=epoch_auto_ns(item.get("t")),
            ts_recv=ts_recv,
        )

    def _forex(self, item: dict[str, Any], ts_recv: int) -> FxQuote | None:
        pair = item.get("p")
        if not isinstance(pair, str):
            raise ParseError(f"forex quote without pair: {item!r:.80}")
        instrument = self._pairs.get(normalize_pair(pair))
        if instrument is None:
            return None
        return FxQuote(
            instrument=instrument,
            bid=to_float(item.get("b"), "b"),
            ask=to_float(item.get("a"), "a"),
            ts_event=epoch_auto_ns(item.get("t")),
            ts_recv=ts_recv,
        )
