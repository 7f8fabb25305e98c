"""Alpaca market data v2 websocket adapter: message auth, quotes and trades channels."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import structlog

from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.alpaca.config import AlpacaOptions
from monitor.feeds.alpaca.encoding import codec
from monitor.feeds.alpaca.parse import AlpacaParser
from monitor.feeds.streaming import Endpoint, WsAdapter, WsLink
from monitor.feeds.wire import Control, Parsed, is_fx_id, is_hk_id, reverse_symbols

log = structlog.get_logger("monitor.feeds.alpaca")

FATAL_CODES = {
    402: "auth failed",
    405: "symbol limit exceeded",
    406: "connection limit exceeded",
    408: "market data v2 not enabled",
    409: "insufficient subscription",
}
"""Errors no quick reconnect fixes: credentials, plan limits, entitlement."""

IGNORED_CODES = frozenset({403})  # already authenticated: harmless


def default_symbol(options: AlpacaOptions, instrument: str) -> str | None:
    """Alpaca serves US stocks only: ``PONY`` -> ``PONY``; HK lines and FX -> None."""
    return None if is_fx_id(instrument) or is_hk_id(instrument) else instrument


class AlpacaAdapter(WsAdapter):
    """Hooks for one Alpaca v2 stock stream; the subscription is replayed on reconnect."""

    def __init__(self, options: AlpacaOptions, symbols: dict[str, str]) -> None:
        self._options = options
        self.symbols = symbols
        self._codec = codec(options.encoding)
        self._parser = AlpacaParser(
            reverse_symbols(symbols), options.quote_sizes(), self._codec.decode
        )

    def endpoint(self) -> Endpoint:
        """The stream URL; ``Content-Type: application/msgpack`` asks for msgpack frames."""
        return Endpoint(self._options.endpoint_url(), self._codec.headers)

    async def _send(self, link: WsLink, message: dict[str, object]) -> None:
        await link.send_frame(self._codec.encode(message))

    def subscription(self) -> dict[str, object]:
        """The subscribe message for every stored channel and symbol."""
        tickers = list(self.symbols.values())
        message: dict[str, object] = {"action": "subscribe"}
        for channel in self._options.channels:
            message[channel] = tickers
        return message

    async def authenticate(self, link: WsLink) -> None:
        await link.expect(_success("connected"), "'connected' message")
        await self._send(
            link,
            {
                "action": "auth",
                "key": self._options.key_id.get_secret_value(),
                "secret": self._options.secret_key.get_secret_value(),
            },
        )
        await link.expect(_success("authenticated"), "'authenticated' message")

    async def subscribe(self, link: WsLink) -> None:
        await self._send(link, self.subscription())
        ack = await link.expect(lambda c: c.kind == "subscription", "subscription ack")
        missing = self._missing(orjson.loads(ack.message))
        if missing:
            log.warning("alpaca did not confirm every subscription", missing=missing)

    def _missing(self, ack: dict[str, list[str]]) -> list[str]:
        wanted = self.symbols.values()
        return [
            f"{channel}:{symbol}"
            for channel in self._options.channels
            for symbol in wanted
            if symbol not in ack.get(channel, []) and "*" not in ack.get(channel, [])
        ]

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        return self._parser(frame, ts_recv)

    def on_control(self, control: Control) -> None:
        if control.kind != "error" or control.code in IGNORED_CODES:
            return
        text = f"alpaca error {control.code}: {control.message}"
        if control.code in FATAL_CODES:
            raise FeedFatalError(text)
        raise FeedProtocolError(text)


def _success(message: str) -> Callable[[Control], bool]:
    return lambda c: c.kind == "success" and c.message == message
