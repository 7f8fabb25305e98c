"""Pure parsing of iTick websocket frames.

Control frames carry ``code`` (1 ok, 0 error), ``msg`` and ``resAc`` (the action answered:
``auth``, ``subscribe``, ``pong``); data frames are ``{"code":1,"data":{...,"type":...}}``
with ``type`` ``quote`` (``ld`` last, ``t`` ms, ``v`` day volume, ``ts`` trading status),
``depth`` (``a``/``b`` lists of ``{po, p, v, o}``, no timestamp) or ``tick`` (``ld``,
``v`` trade size, ``t`` ms). Symbols are ``PONY.US`` / ``2026.HK`` (stocks) and
``USDHKD`` (forex).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.feeds.wire import Control, Parsed, ParseError, epoch_auto_ns, loads, to_float

SUBSCRIPTION_LIMIT = "exceeding the maximum subscription limit"


def control_of(frame: Mapping[str, Any]) -> Control | None:
    """Return the control message a frame without market data carries, if any.

    Kinds: ``connected``, ``auth_success``, ``auth_failed``, ``subscribed``,
    ``subscribe_error``, ``pong`` (message: the echoed params), ``error``.
    """
    action = frame.get("resAc")
    ok = frame.get("code") == 1
    message = str(frame.get("msg") or "")
    if action == "auth":
        return Control("auth_success" if ok else "auth_failed", message)
    if action == "subscribe":
        return Control("subscribed" if ok else "subscribe_error", message)
    if action == "pong":
        data = frame.get("data")
        params = data.get("params") if isinstance(data, Mapping) else None
        return Control("pong", str(params or ""))
    if action is not None:
        return Control("error" if not ok else str(action), message)
    if ok and "connected" in message.lower():
        return Control("connected", message)
    if not ok:
        return Control("error", message)
    return None


def best_level(levels: Any, side: str) -> tuple[float, float] | None:
    """Price and size of position 1 of a depth side (``None`` for an empty side)."""
    if not levels:
        return None
    if not isinstance(levels, list):
        raise ParseError(f"depth side {side} is not a list")
    best = min(levels, key=lambda lvl: lvl.get("po", 1) if isinstance(lvl, Mapping) else 1)
    if not isinstance(best, Mapping):
        raise ParseError(f"depth level of {side} is not an object")
    return to_float(best.get("p"), f"{side}.p"), to_float(best.get("v", 0), f"{side}.v")


class ItickParser:
    """Parse frames for a fixed provider-symbol -> canonical map (pure, reusable).

    ``trades_from_quotes``: without the ``tick`` channel a ``quote`` frame becomes a
    last-price :class:`Trade` of size 0. ``fx_last_as_quote``: a forex ``quote`` becomes an
    :class:`FxQuote` with bid = ask = last (for plans without forex depth).
    """

    def __init__(
        self,
        symbols: Mapping[str, str],
        *,
        forex: bool,
        trades_from_quotes: bool,
        fx_last_as_quote: bool = False,
    ) -> None:
        self._symbols = {k.upper(): v for k, v in symbols.items()}
        self._forex = forex
        self._trades_from_quotes = trades_from_quotes
        self._fx_last_as_quote = fx_last_as_quote

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one frame; a bad data element is reported in ``errors``, not raised."""
        message = loads(frame)
        if not isinstance(message, dict):
            raise ParseError("frame is not a JSON object")
        parsed = Parsed()
        data = message.get("data")
        if message.get("resAc") is not None or not _is_market_data(data):
            control = control_of(message)
            if control is not None:
                parsed.controls.append(control)
            return parsed
        for item in data if isinstance(data, list) else [data]:
            try:
                event = self._event(item, ts_recv, parsed)
            except Exception as exc:  # one bad element never loses the others
                parsed.reject(exc)
                continue
            if event is not None:
                parsed.events.append(event)
        return parsed

    def _event(self, item: Any, ts_recv: int, parsed: Parsed) -> Event | None:
        if not isinstance(item, Mapping):
            raise ParseError("data element is not an object")
        symbol = item.get("s")
        instrument = self._symbols.get(symbol.upper()) if type(symbol) is str else None
        if instrument is None:
            parsed.unknown(symbol)
            return None
        kind = item.get("type")
        if kind == "depth":
            return self._depth(instrument, item, ts_recv)
        if kind == "tick":
            return self._trade(instrument, item, ts_recv, size_key="v")
        if kind == "quote":
            if self._forex:
                return self._fx_last(instrument, item, ts_recv)
            if self._trades_from_quotes:
                return self._trade(instrument, item, ts_recv, size_key=None)
        return None

    def _depth(self, instrument: str, item: Mapping[str, Any], ts_recv: int) -> Event | None:
        bid = best_level(item.get("b"), "b")
        ask = best_level(item.get("a"), "a")
        if bid is None or ask is None:
            return None  # one-sided book (auction, limit up/down): no two-way quote
        ts_event = epoch_auto_ns(item["t"]) if item.get("t") else ts_recv
        if self._forex:
            return FxQuote(instrument, bid[0], ask[0], ts_event, ts_recv)
        return Quote(instrument, bid[0], bid[1], ask[0], ask[1], ts_event, ts_recv)

    def _trade(
        self, instrument: str, item: Mapping[str, Any], ts_recv: int, size_key: str | None
    ) -> Trade:
        price = to_float(item.get("ld"), "ld")
        if price <= 0:
            raise ParseError(f"non-positive price {price!r}")
        size = to_float(item.get(size_key, 0), size_key) if size_key else 0.0
        ts_event = epoch_auto_ns(item.get("t")) if item.get("t") else ts_recv
        return Trade(instrument, price, size, ts_event, ts_recv)

    def _fx_last(self, instrument: str, item: Mapping[str, Any], ts_recv: int) -> Event | None:
        if not self._fx_last_as_quote:
            return None
        price = to_float(item.get("ld"), "ld")
        ts_event = epoch_auto_ns(item.get("t")) if item.get("t") else ts_recv
        return FxQuote(instrument, price, price, ts_event, ts_recv)


def _is_market_data(data: Any) -> bool:
    # A list of elements, or one element with a type; judged on any element, so that a
    # junk first element does not turn a data frame into a control message.
    elements = data if isinstance(data, list) else [data]
    return any(isinstance(e, Mapping) and "type" in e for e in elements)


__all__ = ["SUBSCRIPTION_LIMIT", "ItickParser", "best_level", "control_of"]
