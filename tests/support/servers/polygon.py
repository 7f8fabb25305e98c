"""A Polygon/Massive websocket mock: connected -> auth_success|auth_failed -> success."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection

from .base import WsMockServer

MAX_CONNECTIONS_MESSAGE = (
    "Maximum number of websocket connections exceeded. You have reached the connection "
    "limit for your account. Please contact support at https://polygon.io/contact to "
    "increase your limit."
)


def status(name: str, message: str) -> list[dict[str, str]]:
    return [{"ev": "status", "status": name, "message": message}]


class PolygonServer(WsMockServer):
    """Speak the Polygon control sequence; ``max_connections`` rejects with close 1008."""

    path = "/stocks"

    def __init__(
        self,
        *,
        api_key: str = "good-key",
        frames: Sequence[Any] = (),
        silent: bool = False,
        max_connections: bool = False,
        market: str = "stocks",
    ) -> None:
        super().__init__(frames=frames, silent=silent)
        self.api_key = api_key
        self.max_connections = max_connections
        self.path = f"/{market}"
        self.subscriptions: list[str] = []

    async def session(self, ws: ServerConnection) -> None:
        await self.send(ws, status("connected", "Connected Successfully"))
        authed = False
        async for raw in ws:
            message = orjson.loads(raw)
            self.received.append(message)
            action = message.get("action")
            if action == "auth":
                if self.max_connections:
                    await self.send(ws, status("max_connections", MAX_CONNECTIONS_MESSAGE))
                    await ws.close(1008, "max_connections")
                    return
                if message.get("params") != self.api_key:
                    await self.send(ws, status("auth_failed", "authentication failed"))
                    await ws.close()
                    return
                authed = True
                await self.send(ws, status("auth_success", "authenticated"))
            elif action == "subscribe" and authed:
                params = str(message.get("params", ""))
                self.subscriptions.append(params)
                await self.send(ws, status("success", f"subscribed to: {params}"))
                await self.on_subscribed(ws)
            elif action == "subscribe":
                await self.send(ws, status("error", "not authorized"))
