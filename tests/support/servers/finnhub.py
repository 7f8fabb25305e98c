"""A Finnhub websocket mock: token in the query string, per-symbol subscribe, server pings.

A wrong token is rejected in the HTTP handshake with 401. ``error_message`` makes the
server answer the first subscribe with ``{"type":"error","msg":...}``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from .base import WsMockServer


class FinnhubServer(WsMockServer):
    """Speak the Finnhub socket protocol; ``ping_every`` sends ``{"type":"ping"}``."""

    def __init__(
        self,
        *,
        token: str = "good-token",
        frames: Sequence[Any] = (),
        silent: bool = False,
        ping_every: float | None = None,
        error_message: str | None = None,
        expected_symbols: int = 1,
    ) -> None:
        super().__init__(frames=frames, silent=silent)
        self.token = token
        self.ping_every = ping_every
        self.error_message = error_message
        self.expected_symbols = expected_symbols
        self.subscriptions: list[str] = []
        self.rejected = 0

    def check_request(self, ws: ServerConnection, request: Request) -> Response | None:
        token = parse_qs(urlsplit(request.path).query).get("token", [""])[0]
        if token != self.token:
            self.rejected += 1
            return ws.respond(HTTPStatus.UNAUTHORIZED, "Invalid API key\n")
        return None

    async def session(self, ws: ServerConnection) -> None:
        pinger = asyncio.create_task(self._ping(ws)) if self.ping_every else None
        try:
            await self._serve(ws)
        finally:
            if pinger is not None:
                pinger.cancel()

    async def _serve(self, ws: ServerConnection) -> None:
        symbols: list[str] = []
        async for raw in ws:
            message = orjson.loads(raw)
            self.received.append(message)
            if message.get("type") != "subscribe":
                continue
            if self.error_message is not None:
                await self.send(ws, {"type": "error", "msg": self.error_message})
                continue
            symbols.append(str(message.get("symbol")))
            self.subscriptions.append(str(message.get("symbol")))
            if len(symbols) == self.expected_symbols:
                await self.on_subscribed(ws)

    async def _ping(self, ws: ServerConnection) -> None:
        assert self.ping_every is not None
        while True:
            await asyncio.sleep(self.ping_every)
            await self.send(ws, {"type": "ping"})
