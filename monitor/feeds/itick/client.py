"""iTick websocket adapter: token header (or auth message), subscribe ack, app-level ping."""

from __future__ import annotations

import time

from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.itick.config import ItickOptions
from monitor.feeds.itick.parse import ItickParser
from monitor.feeds.streaming import Endpoint, WsAdapter, WsLink
from monitor.feeds.wire import Control, Parsed, is_fx_id, is_hk_id, reverse_symbols


def default_symbol(options: ItickOptions, instrument: str) -> str | None:
    """iTick code of a canonical id: ``PONY`` -> ``PONY.US``, ``2026.HK`` -> ``2026.HK``.

    HK codes lose leading zeros (``0700.HK`` -> ``700.HK``); FX pairs are served only by
    the ``forex`` cluster, stocks only by the ``stock`` cluster.
    """
    if options.market == "forex":
        return instrument if is_fx_id(instrument) else None
    if is_fx_id(instrument):
        return None
    if is_hk_id(instrument):
        code = instrument[:-3].lstrip("0") or "0"
        return f"{code}.HK"
    return f"{instrument}.US"


class ItickAdapter(WsAdapter):
    """Hooks for one iTick cluster; the subscription is replayed on every connection."""

    def __init__(self, options: ItickOptions, symbols: dict[str, str]) -> None:
        self._options = options
        self.symbols = symbols
        self.ping_interval = options.app_ping_interval_seconds
        self._parser = ItickParser(
            reverse_symbols(symbols),
            forex=options.market == "forex",
            trades_from_quotes="tick" not in options.types,
            fx_last_as_quote=options.fx_last_as_quote,
        )
        self._unanswered_ping: str | None = None

    def endpoint(self) -> Endpoint:
        token = self._options.token.get_secret_value()
        headers = {"token": token} if self._options.auth == "header" else {}
        return Endpoint(self._options.endpoint_url(), headers)

    async def authenticate(self, link: WsLink) -> None:
        self._unanswered_ping = None
        await link.expect(lambda c: c.kind == "connected", "'Connected Successfully'")
        if self._options.auth == "message":
            token = self._options.token.get_secret_value()
            await link.send_json({"ac": "auth", "params": token})
        await link.expect(lambda c: c.kind == "auth_success", "'authenticated'")

    async def subscribe(self, link: WsLink) -> None:
        await link.send_json(
            {
                "ac": "subscribe",
                "params": ",".join(self.symbols.values()),
                "types": ",".join(self._options.types),
            }
        )
        await link.expect(lambda c: c.kind == "subscribed", "subscribe ack")

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        return self._parser(frame, ts_recv)

    def on_control(self, control: Control) -> None:
        if control.kind == "auth_failed":
            raise FeedFatalError(f"itick auth failed: {control.message}")
        if control.kind == "subscribe_error":
            # "exceeding the maximum subscription limit" (plan quota) or a bad request:
            # neither is fixed by reconnecting quickly.
            raise FeedFatalError(f"itick subscribe rejected: {control.message}")
        if control.kind == "pong":
            if control.message == self._unanswered_ping:
                self._unanswered_ping = None
            return
        if control.kind == "error":
            raise FeedProtocolError(f"itick error: {control.message}")

    async def ping(self, link: WsLink) -> None:
        if self._unanswered_ping is not None:
            raise TimeoutError(f"itick: no pong to ping {self._unanswered_ping}")
        stamp = str(time.time_ns() // 1_000_000)
        self._unanswered_ping = stamp
        await link.send_json({"ac": "ping", "params": stamp})


__all__ = ["ItickAdapter", "default_symbol"]
