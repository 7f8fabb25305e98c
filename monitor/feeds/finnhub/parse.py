"""Pure parsing of Finnhub websocket messages.

``{"type":"trade","data":[{"s","p","v","t","c"}]}`` becomes :class:`Trade` events (``t`` in
Unix ms; FX venues send price updates with ``v`` 0). Finnhub has no quotes, so an FX pair
arrives as trades with size 0 and the core prices that leg from its last price.
``{"type":"ping"}`` and ``{"type":"error","msg":...}`` become :class:`Control`.
Each trade of a batch is parsed on its own: one that fails is reported, the others
delivered; the common shape (float price, int size and ms) takes a fast path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.core.events import Trade
from monitor.feeds.wire import Control, Parsed, ParseError, epoch_to_ns, loads, to_float


class FinnhubParser:
    """Parse messages for a fixed provider-symbol -> canonical map."""

    def __init__(self, symbols: Mapping[str, str]) -> None:
        self._symbols = dict(symbols)

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one message; bad trades are reported in ``errors``, not raised."""
        message = loads(frame)
        if not isinstance(message, dict):
            raise ParseError("message is not an object")
        kind = message.get("type")
        parsed = Parsed()
        if kind == "trade":
            self._trades(message.get("data"), ts_recv, parsed)
        elif kind == "error":
            parsed.controls.append(Control("error", str(message.get("msg", ""))))
        elif isinstance(kind, str):
            parsed.controls.append(Control(kind))
        else:
            raise ParseError("message without a type")
        return parsed

    def _trades(self, data: Any, ts_recv: int, parsed: Parsed) -> None:
        if not isinstance(data, list):
            raise ParseError("trade message without a data list")
        for item in data:
            try:
                self._trade(item, ts_recv, parsed)
            except Exception as exc:  # one bad trade never loses the others
                parsed.reject(exc)

    def _trade(self, item: Any, ts_recv: int, parsed: Parsed) -> None:
        if not isinstance(item, dict):
            raise ParseError(f"trade is not an object: {item!r:.80}")
        symbol = item.get("s")
        instrument = self._symbols.get(symbol) if type(symbol) is str else None
        if instrument is None:
            parsed.unknown(symbol)
            return
        price, size, ts = item.get("p"), item.get("v", 0), item.get("t")
        if type(price) is float and type(size) is int and type(ts) is int:
            ts *= 1_000_000
        else:  # not the common shape: the exact checks decide, and name the reason
            price, size, ts = to_float(price, "p"), to_float(size, "v"), epoch_to_ns(ts, "ms")
        parsed.events.append(Trade(instrument, price, float(size), ts, ts_recv))
