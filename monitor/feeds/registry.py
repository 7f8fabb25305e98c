"""Feed types by name. Each entry is the import path of a provider package."""

from __future__ import annotations

import importlib
from typing import Any

from monitor.errors import ConfigError
from monitor.feeds.base import FeedType

FEED_PACKAGES: dict[str, str] = {
    "simulator": "monitor.feeds.simulator",
    "replay": "monitor.feeds.replay",
    "ibkr": "monitor.feeds.ibkr",
    "itick": "monitor.feeds.itick",
    "futu": "monitor.feeds.futu",
    "polygon": "monitor.feeds.polygon",
    "alpaca": "monitor.feeds.alpaca",
    "finnhub": "monitor.feeds.finnhub",
    "oanda": "monitor.feeds.oanda",
    "generic": "monitor.feeds.generic",
    "nats": "monitor.feeds.nats",
}


def feed_type(name: str) -> FeedType[Any]:
    """Return the registered :class:`FeedType` called ``name`` (its options model varies)."""
    try:
        module_path = FEED_PACKAGES[name]
    except KeyError:
        known = ", ".join(sorted(FEED_PACKAGES))
        raise ConfigError(f"unknown feed type {name!r} (known: {known})") from None
    module = importlib.import_module(module_path)
    entry: FeedType[Any] = module.FEED_TYPE
    return entry
