"""Pure conversion of ``ib_async`` tickers into normalized events (no ib_async import).

A ``Ticker`` holds the current state of one subscription; after every socket read
``ib_async`` emits the tickers that changed, with the raw ticks of that read in
``ticker.ticks``. NaN (or a non-positive price) means the field is missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.feeds.ibkr.config import MARKET_DATA_TYPE_NAMES, IbkrContract

TRADE_TICK_TYPES = frozenset({4, 68})  # LAST, DELAYED_LAST (price and size together)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


class TickLike(Protocol):
    @property
    def tickType(self) -> int: ...  # noqa: N802 - ib_async's name
    @property
    def price(self) -> float: ...
    @property
    def size(self) -> float: ...


class TickerLike(Protocol):
    @property
    def time(self) -> datetime | None: ...
    @property
    def marketDataType(self) -> int: ...  # noqa: N802
    @property
    def bid(self) -> float: ...
    @property
    def bidSize(self) -> float: ...  # noqa: N802
    @property
    def ask(self) -> float: ...
    @property
    def askSize(self) -> float: ...  # noqa: N802
    @property
    def ticks(self) -> Sequence[TickLike]: ...


def is_price(value: float | None) -> bool:
    """Whether ``value`` is a usable price (not None, not NaN, positive)."""
    return value is not None and math.isfinite(value) and value > 0


def size_or_zero(value: float | None) -> float:
    """Return ``value``, or 0.0 where the size is missing (None, NaN, negative)."""
    if value is None or not math.isfinite(value) or value < 0:
        return 0.0
    return float(value)


def datetime_ns(value: datetime) -> int:
    """Convert a datetime (naive means UTC) to integer nanoseconds since the epoch."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return ((value - _EPOCH) // _US) * 1000


def market_data_type_name(code: int) -> str:
    """Name an IB market data type code (1 live, 2 frozen, 3 delayed, 4 delayed frozen)."""
    return MARKET_DATA_TYPE_NAMES.get(code, f"unknown({code})")


def default_contract(instrument: str, symbols: Mapping[str, str]) -> IbkrContract:
    """Derive the IB contract of a canonical instrument.

    ``2026.HK`` -> STK 2026 on SEHK in HKD (IB drops leading zeros); a six-letter pair
    such as ``USDHKD`` -> CASH USD.HKD on IDEALPRO; anything else -> STK on SMART in USD
    with primary exchange NASDAQ. ``symbols`` may rename the IB symbol.
    """
    provider = symbols.get(instrument, instrument)
    if instrument.endswith(".HK"):
        code = provider.removesuffix(".HK").lstrip("0") or "0"
        return IbkrContract(sec_type="STK", symbol=code, exchange="SEHK", currency="HKD")
    if len(instrument) == 6 and instrument.isalpha() and instrument.isupper():
        pair = provider.replace(".", "").replace("/", "")
        return IbkrContract(
            sec_type="CASH", symbol=pair[:3], exchange="IDEALPRO", currency=pair[3:]
        )
    return IbkrContract(
        sec_type="STK", symbol=provider, exchange="SMART", currency="USD", primary_exchange="NASDAQ"
    )


@dataclass(slots=True)
class LegParser:
    """Turn one leg's ticker updates into events; remembers the last quote it emitted."""

    instrument: str
    is_fx: bool
    source: str
    _last_quote: tuple[float, float, float, float] | None = None

    def reset(self) -> None:
        """Forget the last quote (after a resubscription every quote is new)."""
        self._last_quote = None

    def on_ticker(
        self, ticker: TickerLike, ts_recv: int, errors: list[str] | None = None
    ) -> list[Event]:
        """Return the trades in this update, then the quote if it changed.

        Each tick, and the quote, is read on its own: one that fails is described in
        ``errors`` (when given) and the others are still returned.
        """
        ts_event = datetime_ns(ticker.time) if ticker.time is not None else ts_recv
        events: list[Event] = []
        failed = errors if errors is not None else []
        if not self.is_fx:
            for tick in ticker.ticks:
                try:
                    trade = self._trade(tick, ts_event, ts_recv)
                except Exception as exc:  # one bad tick never loses the others
                    failed.append(f"tick {type(exc).__name__}: {exc}"[:200])
                    continue
                if trade is not None:
                    events.append(trade)
        try:
            quote = self._quote(ticker, ts_event, ts_recv)
        except Exception as exc:  # nor the trades of the same update
            failed.append(f"quote {type(exc).__name__}: {exc}"[:200])
            quote = None
        if quote is not None:
            events.append(quote)
        return events

    def _trade(self, tick: TickLike, ts_event: int, ts_recv: int) -> Trade | None:
        if tick.tickType not in TRADE_TICK_TYPES or not is_price(tick.price):
            return None
        price, size = float(tick.price), size_or_zero(tick.size)
        return Trade(self.instrument, price, size, ts_event, ts_recv, self.source)

    def _quote(self, ticker: TickerLike, ts_event: int, ts_recv: int) -> Event | None:
        if not (is_price(ticker.bid) and is_price(ticker.ask)):
            return None
        key = (
            float(ticker.bid),
            size_or_zero(ticker.bidSize),
            float(ticker.ask),
            size_or_zero(ticker.askSize),
        )
        if key == self._last_quote:
            return None
        self._last_quote = key
        if self.is_fx:
            return FxQuote(self.instrument, key[0], key[2], ts_event, ts_recv, self.source)
        return Quote(
            self.instrument, key[0], key[1], key[2], key[3], ts_event, ts_recv, self.source
        )


__all__ = [
    "TRADE_TICK_TYPES",
    "LegParser",
    "TickLike",
    "TickerLike",
    "datetime_ns",
    "default_contract",
    "is_price",
    "market_data_type_name",
    "size_or_zero",
]
