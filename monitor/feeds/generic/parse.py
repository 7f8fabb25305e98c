"""Pure parsing of a JSON websocket described by field paths.

A frame holds one record, a list of records, or records under ``records`` (a dotted
path). A record whose ``match`` fields differ, or that has no instrument, is not market
data and is ignored; one for an instrument not configured is counted as unknown. Each
record is parsed on its own: one that fails is reported, the others delivered. A record
with bid and ask becomes a :class:`Quote` (an :class:`FxQuote` for six-letter FX ids), one
with only a price a :class:`Trade`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.feeds.generic.config import FieldPaths
from monitor.feeds.wire import (
    Parsed,
    ParseError,
    epoch_to_ns,
    is_fx_id,
    loads,
    lookup,
    rfc3339_to_ns,
    to_float,
)


class GenericParser:
    """Parse frames with fixed field paths and a provider-symbol -> canonical map."""

    def __init__(
        self,
        fields: FieldPaths,
        symbols: Mapping[str, str],
        *,
        records: str = "",
        match: Mapping[str, str] | None = None,
        size_multiplier: float = 1.0,
    ) -> None:
        self._f = fields
        self._symbols = dict(symbols)
        self._records = records
        self._match = dict(match or {})
        self._lot = size_multiplier

    def __call__(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Parse one frame; bad records are reported in ``errors``, not raised."""
        found = lookup(loads(frame), self._records)
        items = found if isinstance(found, list) else [found]
        parsed = Parsed()
        for item in items:
            try:
                self._record(item, ts_recv, parsed)
            except Exception as exc:  # one bad record never loses the others
                parsed.reject(exc)
        return parsed

    def _record(self, item: Any, ts_recv: int, parsed: Parsed) -> None:
        if not isinstance(item, dict):
            return
        if any(str(lookup(item, k)) != v for k, v in self._match.items()):
            return
        symbol = lookup(item, self._f.instrument)
        if symbol is None or isinstance(symbol, dict | list):
            return  # no instrument here: not market data
        instrument = self._symbols.get(str(symbol))
        if instrument is None:
            parsed.unknown(symbol)
            return
        parsed.events.append(self._event(item, symbol, instrument, ts_recv))

    def _event(self, item: dict[str, Any], symbol: object, instrument: str, ts_recv: int) -> Event:
        ts_event = self._ts(item, ts_recv)
        f = self._f
        if f.bid and f.ask and lookup(item, f.bid) is not None and lookup(item, f.ask) is not None:
            return self._quote(item, instrument, ts_event, ts_recv)
        if f.price and lookup(item, f.price) is not None:
            size = self._number(item, f.size, 0.0)
            return Trade(
                instrument, to_float(lookup(item, f.price), "price"), size, ts_event, ts_recv
            )
        raise ParseError(f"record for {symbol} has neither bid/ask nor price")

    def _quote(self, item: dict[str, Any], instrument: str, ts: int, ts_recv: int) -> Event:
        f = self._f
        assert f.bid is not None and f.ask is not None
        bid = to_float(lookup(item, f.bid), "bid")
        ask = to_float(lookup(item, f.ask), "ask")
        if is_fx_id(instrument):
            return FxQuote(instrument, bid, ask, ts, ts_recv)
        bid_size = self._number(item, f.bid_size, 0.0) * self._lot
        ask_size = self._number(item, f.ask_size, 0.0) * self._lot
        return Quote(instrument, bid, bid_size, ask, ask_size, ts, ts_recv)

    def _number(self, item: dict[str, Any], path: str | None, default: float) -> float:
        if path is None:
            return default
        value = lookup(item, path)
        return default if value is None else to_float(value, path)

    def _ts(self, item: dict[str, Any], ts_recv: int) -> int:
        if self._f.ts is None:
            return ts_recv
        value = lookup(item, self._f.ts)
        if value is None:
            raise ParseError(f"record without timestamp at {self._f.ts!r}")
        if self._f.ts_unit == "iso":
            return rfc3339_to_ns(value)
        return epoch_to_ns(value, self._f.ts_unit)
