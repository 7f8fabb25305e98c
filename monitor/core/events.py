"""Normalized market events, the only thing feeds hand to the core.

Every event carries two integer timestamps in nanoseconds since the Unix epoch (UTC):
``ts_event`` is the exchange / provider time, ``ts_recv`` the local receive time.
Prices are in the instrument's native currency, sizes in shares (ADS for US lines).
``source`` names the feed that produced the event.

The classes are slotted, mutable dataclasses: one object is built per frame on the hot
path and slotted classes are markedly cheaper to build than frozen ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

NS_PER_SECOND: Final = 1_000_000_000


@dataclass(slots=True)
class Quote:
    """Top of book of an equity line."""

    instrument: str
    bid: float
    bid_size: float
    ask: float
    ask_size: float
    ts_event: int
    ts_recv: int
    source: str = ""


@dataclass(slots=True)
class Trade:
    """A print (or a last-price update where the provider has no quotes, with size 0)."""

    instrument: str
    price: float
    size: float
    ts_event: int
    ts_recv: int
    source: str = ""


@dataclass(slots=True)
class FxQuote:
    """A two-way FX price; ``instrument`` is the pair without separator, e.g. ``USDHKD``."""

    instrument: str
    bid: float
    ask: float
    ts_event: int
    ts_recv: int
    source: str = ""


Event = Quote | Trade | FxQuote

__all__ = ["NS_PER_SECOND", "Event", "FxQuote", "Quote", "Trade"]
