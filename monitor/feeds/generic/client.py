"""Generic JSON websocket adapter: templated auth/subscribe messages, mapped fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from monitor.feeds.generic.config import GenericOptions
from monitor.feeds.generic.parse import GenericParser
from monitor.feeds.streaming import Endpoint, WsAdapter, WsLink
from monitor.feeds.wire import Parsed, reverse_symbols


def render(template: Any, values: dict[str, str], symbols: Sequence[str]) -> Any:
    """Fill ``{token}``/``{symbol}`` in every string; ``"{symbols}"`` becomes the list."""
    if isinstance(template, str):
        if template == "{symbols}":
            return list(symbols)
        for key, value in values.items():
            template = template.replace("{" + key + "}", value)
        return template
    if isinstance(template, list):
        return [render(v, values, symbols) for v in template]
    if isinstance(template, dict):
        return {k: render(v, values, symbols) for k, v in template.items()}
    return template


def mentions(template: Any, placeholder: str) -> bool:
    """Whether any string of ``template`` contains ``placeholder``."""
    if isinstance(template, str):
        return placeholder in template
    if isinstance(template, list):
        return any(mentions(v, placeholder) for v in template)
    if isinstance(template, dict):
        return any(mentions(v, placeholder) for v in template.values())
    return False


def default_symbol(options: GenericOptions, instrument: str) -> str:
    """Return the canonical id itself (``symbols:`` maps it to the source's name)."""
    return instrument


class GenericAdapter(WsAdapter):
    """Hooks driven entirely by :class:`GenericOptions`."""

    def __init__(self, options: GenericOptions, symbols: dict[str, str]) -> None:
        self._options = options
        self.symbols = symbols
        self.ping_interval = options.ping_interval_seconds if options.ping_message else None
        self._values = {"token": options.token.get_secret_value() if options.token else ""}
        self._parser = GenericParser(
            options.fields,
            reverse_symbols(symbols),
            records=options.records,
            match=options.match,
            size_multiplier=options.size_multiplier,
        )

    def endpoint(self) -> Endpoint:
        headers = {k: v.get_secret_value() for k, v in self._options.headers.items()}
        return Endpoint(render(self._options.url, self._values, []), headers)

    def messages(self) -> list[Any]:
        """The subscribe messages for every stored symbol."""
        template = self._options.subscribe_message
        if template is None:
            return []
        symbols = list(self.symbols.values())
        if mentions(template, "{symbol}"):
            return [render(template, {**self._values, "symbol": s}, symbols) for s in symbols]
        return [render(template, self._values, symbols)]

    async def authenticate(self, link: WsLink) -> None:
        if self._options.auth_message is not None:
            await link.send_json(render(self._options.auth_message, self._values, []))

    async def subscribe(self, link: WsLink) -> None:
        for message in self.messages():
            await link.send_json(message)

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        return self._parser(frame, ts_recv)

    async def ping(self, link: WsLink) -> None:
        await link.send_json(render(self._options.ping_message, self._values, []))
