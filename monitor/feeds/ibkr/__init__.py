"""Interactive Brokers (TWS / IB Gateway through ``ib_async``): US, HK and FX legs.

Needs the optional extra ``ibkr`` (``pip install 'dlmon[ibkr]'``); the import happens
only when a configuration asks for this feed type.
"""

from __future__ import annotations

from typing import Any

from monitor.errors import MissingExtraError
from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.ibkr.client import IbkrFeed, LegStatus
from monitor.feeds.ibkr.config import IbkrContract, IbkrOptions


def build_contract(spec: IbkrContract) -> Any:
    """Build an ``ib_async.Contract`` from a contract spec."""
    try:
        import ib_async
    except ImportError as exc:
        raise MissingExtraError("feed type 'ibkr'", "ibkr") from exc
    return ib_async.Contract(
        secType=spec.sec_type,
        symbol=spec.symbol,
        exchange=spec.exchange,
        currency=spec.currency,
        primaryExchange=spec.primary_exchange,
    )


def create_ibkr_feed(spec: FeedSpec, options: IbkrOptions, ctx: FeedContext) -> Feed:
    """Build the ``ibkr`` feed; raise :class:`MissingExtraError` without ``ib_async``."""
    try:
        import ib_async
    except ImportError as exc:
        raise MissingExtraError("feed type 'ibkr'", "ibkr") from exc
    return IbkrFeed(spec, options, ctx, ib_factory=ib_async.IB, contract_factory=build_contract)


FEED_TYPE = FeedType(
    options=IbkrOptions, factory=create_ibkr_feed, extra="ibkr", requires=("ib_async",)
)

__all__ = [
    "FEED_TYPE",
    "IbkrFeed",
    "IbkrOptions",
    "LegStatus",
    "build_contract",
    "create_ibkr_feed",
]
