"""An in-house style JSON websocket mock for the generic adapter.

Handshake: the ``X-Api-Key`` header must match (else HTTP 401). The client may then send
``{"op":"auth","token":...}`` (a wrong token is answered by close code 1008) and
``{"op":"subscribe","symbols":[...]}``; the server acks with ``{"op":"subscribed"}``.
``{"op":"ping"}`` is answered with ``{"op":"pong"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from .base import WsMockServer


class GenericServer(WsMockServer):
    """A JSON websocket with header auth, in-band token auth and a subscribe ack."""

    path = "/stream"

    def __init__(
        self,
        *,
        api_key: str = "hdr-key",
        token: str = "tok",
        frames: Sequence[Any] = (),
        silent: bool = False,
    ) -> None:
        super().__init__(frames=frames, silent=silent)
        self.api_key = api_key
        self.token = token
        self.rejected = 0
        self.pings = 0
        self.subscriptions: list[list[str]] = []

    def check_request(self, ws: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("X-Api-Key") != self.api_key:
            self.rejected += 1
            return ws.respond(HTTPStatus.UNAUTHORIZED, "bad key\n")
        return None

    async def session(self, ws: ServerConnection) -> None:
        async for raw in ws:
            message = orjson.loads(raw)
            self.received.append(message)
            op = message.get("op")
            if op == "auth" and message.get("token") != self.token:
                await ws.close(1008, "invalid token")
                return
            if op == "ping":
                self.pings += 1
                await self.send(ws, {"op": "pong"})
            elif op == "subscribe":
                self.subscriptions.append(list(message.get("symbols", [])))
                await self.send(ws, {"op": "subscribed"})
                await self.on_subscribed(ws)
