"""Connection hooks of the provider (template): auth message, one subscribe message."""

from __future__ import annotations

from monitor.errors import FeedFatalError
from monitor.feeds._template.config import TemplateOptions
from monitor.feeds._template.parse import TemplateParser
from monitor.feeds.streaming import Endpoint, WsAdapter, WsLink
from monitor.feeds.wire import Control, Parsed, reverse_symbols


def default_symbol(options: TemplateOptions, instrument: str) -> str | None:
    """Return the provider's symbol for a canonical id (here the id itself), or ``None``."""
    return instrument


class TemplateAdapter(WsAdapter):
    """Provider hooks; the stored ``symbols`` are resubscribed on every connection."""

    def __init__(self, options: TemplateOptions, symbols: dict[str, str]) -> None:
        self._options = options
        self.symbols = symbols
        self._parser = TemplateParser(reverse_symbols(symbols))

    def endpoint(self) -> Endpoint:
        return Endpoint(self._options.url)

    async def authenticate(self, link: WsLink) -> None:
        await link.send_json({"op": "auth", "key": self._options.api_key.get_secret_value()})
        await link.expect(lambda c: c.kind == "authenticated", "auth ack")

    async def subscribe(self, link: WsLink) -> None:
        await link.send_json({"op": "subscribe", "symbols": list(self.symbols.values())})

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        return self._parser(frame, ts_recv)

    def on_control(self, control: Control) -> None:
        if control.kind in ("auth_failed", "not_entitled", "too_many_connections"):
            raise FeedFatalError(f"provider {control.kind}: {control.message}")
