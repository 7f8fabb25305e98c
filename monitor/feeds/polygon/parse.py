"""Pure parsing of Polygon/Massive websocket frames (JSON arrays of ``ev`` objects).

Quote sizes (``bs``/``as``) are turned into shares by :class:`~monitor.feeds.units.QuoteSizes`
(round lots before 2025-11-03, shares since); timestamps
are Unix milliseconds (checked by magnitude). Status objects become :class:`Control`.
Each element is parsed on its own: one that fails is reported, the others delivered.
The common quote shape (float prices, int sizes, int milliseconds) takes a fast path of
exact type checks; anything else goes through the exact checks, which give the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


_MS_LOW, _MS_HIGH = 10**11, 10**14  # epoch_auto_ns reads integers in this range as ms


class PolygonParser:
    """Parse frames for a fixed provider-symbol -> canonical map (pure, reusable)."""

    def __init__(self, symbols: Mapping[str, str], sizes: QuoteSizes | None = None) -> None:
        self._symbols = dict(symbols)
        self._pairs = {normalize_pair(k): v for k, v in symbols.items()}
        self._sizes = sizes or QuoteSizes()
        self._handlers: dict[str, Callable[[dict[str, Any], int], Event | None]] = {
            "Q": self._quote,
            "T": self._trade,
            "C": self._forex,
        }

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one frame; bad elements are reported in ``errors``, not raised.

        The common element (a quote of a mapped symbol: float prices, int sizes, int
        milliseconds) is read inline; any other goes through :meth:`_item`'s exact checks.
        """
        data = loads(frame)
        items = data if isinstance(data, list) else [data]
        parsed = Parsed()
        append = parsed.events.append
        symbols, sizes = self._symbols, self._sizes
        uniform, uniform_since = sizes.uniform, sizes.uniform_since_ns
        for item in items:
            try:
                try:  # a KeyError or TypeError here: not the common shape
                    if item["ev"] == "Q":
                        instrument = symbols[item["sym"]]  # str keys: a match is a str
                        ts, bid, ask = item["t"], item["bp"], item["ap"]
                        bid_units, ask_units = item["bs"], item["as"]
                        if (
                            type(bid) is float
                            and type(ask) is float
                            and type(bid_units) is int
                            and type(ask_units) is int
                            and type(ts) is int
                            and _MS_LOW <= ts < _MS_HIGH
                        ):
                            ts *= 1_000_000
                            lot = (
                                uniform
                                if ts >= uniform_since
                                else sizes(ask if ask > bid else bid, ts)  # max(), as in _quote
                            )
                            append(
                                Quote(
                                    instrument,
                                    bid,
                                    bid_units * lot,
                                    ask,
                                    ask_units * lot,
                                    ts,
                                    ts_recv,
                                )
                            )
                            continue
                except (KeyError, TypeError):
                    pass  # the exact checks decide, and name the reason
                self._item(item, ts_recv, parsed)
            except Exception as exc:  # one bad element never loses the others
                parsed.reject(exc)
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
        handler = self._handlers.get(ev) if type(ev) is str else None
        if handler is None:
            return  # aggregates and other channels are not used
        event = handler(item, ts_recv)
        if event is None:
            parsed.unknown(item.get("sym") if ev != "C" else item.get("p"))
        else:
            parsed.events.append(event)

    def _quote(self, item: dict[str, Any], ts_recv: int) -> Quote | None:
        sym = item.get("sym")
        instrument = self._symbols.get(sym) if type(sym) is str else None
        if instrument is None:
            return None
        bid, ask, bid_units, ask_units = (
            item.get("bp"),
            item.get("ap"),
            item.get("bs", 0),
            item.get("as", 0),
        )
        ts = item.get("t")
        if not (
            type(bid) is float
            and type(ask) is float
            and type(bid_units) is int
            and type(ask_units) is int
            and type(ts) is int
            and _MS_LOW <= ts < _MS_HIGH
        ):  # not the common shape: the exact checks decide, and name the reason
            bid, ask = to_float(bid, "bp"), to_float(ask, "ap")
            bid_units, ask_units = to_float(bid_units, "bs"), to_float(ask_units, "as")
            ts = epoch_auto_ns(ts)
        else:
            ts *= 1_000_000
        lot = self._sizes(max(bid, ask), ts)  # reported quote size -> shares (feeds/units.py)
        return Quote(instrument, bid, bid_units * lot, ask, ask_units * lot, ts, ts_recv)

    def _trade(self, item: dict[str, Any], ts_recv: int) -> Trade | None:
        sym = item.get("sym")
        instrument = self._symbols.get(sym) if type(sym) is str else None
        if instrument is None:
            return None
        price, size, ts = item.get("p"), item.get("s", 0), item.get("t")
        if not (
            type(price) is float
            and type(size) is int
            and type(ts) is int
            and _MS_LOW <= ts < _MS_HIGH
        ):
            price, size, ts = to_float(price, "p"), to_float(size, "s"), epoch_auto_ns(ts)
        else:
            ts *= 1_000_000
        return Trade(instrument, price, float(size), ts, ts_recv)

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
