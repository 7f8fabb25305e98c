"""Polygon/Massive websocket adapter: auth by message, ``Q.``/``T.``/``C.`` channels."""

from __future__ import annotations

from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.polygon.config import PolygonOptions
from monitor.feeds.polygon.parse import PolygonParser
from monitor.feeds.streaming import Endpoint, WsAdapter, WsLink
from monitor.feeds.wire import Control, Parsed, is_fx_id, is_hk_id, reverse_symbols

FATAL_STATUSES = frozenset({"auth_failed", "max_connections"})
_ENTITLEMENT_WORDS = ("not authorized", "entitle", "plan", "upgrade")


def default_symbol(options: PolygonOptions, instrument: str) -> str | None:
    """Polygon symbol of a canonical id: ``PONY`` -> ``PONY``, ``USDHKD`` -> ``USD/HKD``.

    The stocks market serves no FX pair and no HK line; the forex market only FX pairs.
    """
    if options.market == "forex":
        return f"{instrument[:3]}/{instrument[3:]}" if is_fx_id(instrument) else None
    if is_fx_id(instrument) or is_hk_id(instrument):
        return None
    return instrument


class PolygonAdapter(WsAdapter):
    """Hooks for one Polygon cluster; the subscription is replayed on every connection."""

    def __init__(self, options: PolygonOptions, symbols: dict[str, str]) -> None:
        self._options = options
        self.symbols = symbols
        self._parser = PolygonParser(reverse_symbols(symbols), options.quote_sizes())

    def endpoint(self) -> Endpoint:
        return Endpoint(self._options.endpoint_url())

    def channels(self) -> list[str]:
        """Every channel of the subscription, e.g. ``Q.PONY``, ``T.PONY``, ``C.USD/HKD``."""
        if self._options.market == "forex":
            return [f"C.{symbol}" for symbol in self.symbols.values()]
        return [
            f"{ch}.{symbol}" for symbol in self.symbols.values() for ch in self._options.channels
        ]

    async def authenticate(self, link: WsLink) -> None:
        await link.expect(lambda c: c.kind == "connected", "'connected' status")
        key = self._options.api_key.get_secret_value()
        await link.send_json({"action": "auth", "params": key})
        await link.expect(lambda c: c.kind == "auth_success", "'auth_success' status")

    async def subscribe(self, link: WsLink) -> None:
        await link.send_json({"action": "subscribe", "params": ",".join(self.channels())})
        await link.expect(lambda c: c.kind == "success", "subscription ack")

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        return self._parser(frame, ts_recv)

    def on_control(self, control: Control) -> None:
        if control.kind in FATAL_STATUSES:
            raise FeedFatalError(f"polygon {control.kind}: {control.message}")
        if control.kind == "error":
            text = control.message.lower()
            if any(word in text for word in _ENTITLEMENT_WORDS):
                raise FeedFatalError(f"polygon error: {control.message}")
            raise FeedProtocolError(f"polygon error: {control.message}")
