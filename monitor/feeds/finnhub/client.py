"""Finnhub websocket adapter: token in the URL, one subscribe message per symbol."""

from __future__ import annotations

import structlog

from monitor.errors import FeedFatalError
from monitor.feeds.finnhub.config import FinnhubOptions
from monitor.feeds.finnhub.parse import FinnhubParser
from monitor.feeds.streaming import Endpoint, WsAdapter, WsLink
from monitor.feeds.wire import Control, Parsed, is_fx_id, is_hk_id, reverse_symbols

log = structlog.get_logger("monitor.feeds.finnhub")

FATAL_WORDS = ("too many symbols", "limit", "invalid api key", "unauthorized", "access")
"""Error messages that mean plan limits or credentials: reconnecting soon will not help."""


def default_symbol(options: FinnhubOptions, instrument: str) -> str | None:
    """``PONY`` -> ``PONY``, ``USDHKD`` -> ``OANDA:USD_HKD``; HK lines are not covered."""
    if is_fx_id(instrument):
        return f"OANDA:{instrument[:3]}_{instrument[3:]}"
    return None if is_hk_id(instrument) else instrument


class FinnhubAdapter(WsAdapter):
    """Hooks for the Finnhub socket; every symbol is resubscribed on each connection."""

    def __init__(self, options: FinnhubOptions, symbols: dict[str, str]) -> None:
        self._options = options
        self.symbols = symbols
        self._parser = FinnhubParser(reverse_symbols(symbols))

    def endpoint(self) -> Endpoint:
        return Endpoint(self._options.endpoint_url())

    async def subscribe(self, link: WsLink) -> None:
        for symbol in self.symbols.values():
            await link.send_json({"type": "subscribe", "symbol": symbol})

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        return self._parser(frame, ts_recv)

    def on_control(self, control: Control) -> None:
        if control.kind != "error":
            return
        if any(word in control.message.lower() for word in FATAL_WORDS):
            raise FeedFatalError(f"finnhub error: {control.message}")
        log.warning("finnhub error message", message=control.message)
