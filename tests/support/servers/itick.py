"""A local iTick websocket server on 127.0.0.1 speaking the documented protocol.

Connect -> ``{"code":1,"msg":"Connected Successfully"}`` -> (token header checked, or an
``{"ac":"auth"}`` message) ``resAc: auth`` -> ``{"ac":"subscribe"}`` acked or refused with
"exceeding the maximum subscription limit" -> data frames; ``{"ac":"ping"}`` is echoed
as ``resAc: pong``. A second connection to the same cluster with the same token evicts
the first (closed with 1008: iTick's exact close code is not documented).
"""

from __future__ import annotations

import asyncio
from typing import Any, Self

import orjson
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed


def dumps(message: Any) -> str:
    return orjson.dumps(message).decode()


class ItickServer:
    def __init__(
        self,
        *,
        token: str = "t0k3n",
        auth: str = "header",
        max_symbols: int = 10,
        silent: bool = False,
        answer_pings: bool = True,
    ) -> None:
        self.token = token
        self.auth = auth
        self.max_symbols = max_symbols
        self.silent = silent
        self.answer_pings = answer_pings
        self.frames: list[Any] = []
        self.received: list[Any] = []
        self.paths: list[str] = []
        self.connections = 0
        self.subscribed: dict[ServerConnection, set[str]] = {}
        self._by_token: dict[tuple[str, str], ServerConnection] = {}
        self._server: Server | None = None

    async def __aenter__(self) -> Self:
        self._server = await serve(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def url(self, market: str = "stock") -> str:
        assert self._server is not None
        port = next(iter(self._server.sockets)).getsockname()[1]
        return f"ws://127.0.0.1:{port}/{market}"

    async def push(self, message: Any) -> None:
        """Send a data frame to every connection subscribed to its symbol."""
        symbol = message["data"]["s"]
        for ws, symbols in list(self.subscribed.items()):
            if symbol in symbols:
                await ws.send(dumps(message))

    async def drop(self) -> None:
        """Close every connection abruptly (network loss / server restart)."""
        for ws in list(self.subscribed):
            ws.transport.abort()

    async def _handle(self, ws: ServerConnection) -> None:
        self.connections += 1
        assert ws.request is not None
        self.paths.append(ws.request.path)
        try:
            await self._session(ws)
        except ConnectionClosed:
            pass
        finally:
            self.subscribed.pop(ws, None)

    async def _session(self, ws: ServerConnection) -> None:
        await ws.send(dumps({"code": 1, "msg": "Connected Successfully"}))
        assert ws.request is not None
        token = ws.request.headers.get("token")
        if self.auth == "message":
            message = orjson.loads(await ws.recv())
            self.received.append(message)
            token = message.get("params") if message.get("ac") == "auth" else None
        if token != self.token:
            await ws.send(dumps({"code": 0, "resAc": "auth", "msg": "auth failed"}))
            await ws.close()
            return
        cluster = (ws.request.path, token)  # one connection per cluster and token
        older = self._by_token.get(cluster)
        self._by_token[cluster] = ws
        if older is not None:
            await older.close(1008, "another connection logged in with this token")
        await ws.send(
            dumps({"code": 1, "resAc": "auth", "msg": "authenticated", "data": {"params": token}})
        )
        async for raw in ws:
            message = orjson.loads(raw)
            self.received.append(message)
            await self._on_message(ws, message)

    async def _on_message(self, ws: ServerConnection, message: dict[str, Any]) -> None:
        action = message.get("ac")
        if action == "ping":
            if self.answer_pings:
                await ws.send(dumps({"resAc": "pong", "data": {"params": message["params"]}}))
            return
        if action != "subscribe":
            await ws.send(dumps({"code": 0, "resAc": action, "msg": "cannot be resolved action"}))
            return
        symbols = set(str(message.get("params", "")).split(","))
        if len(symbols) > self.max_symbols:
            await ws.send(
                dumps(
                    {
                        "code": 0,
                        "resAc": "subscribe",
                        "msg": "exceeding the maximum subscription limit",
                    }
                )
            )
            return
        self.subscribed[ws] = symbols
        await ws.send(dumps({"code": 1, "resAc": "subscribe", "msg": "subscribe Successfully"}))
        if not self.silent:
            for frame in self.frames:
                if frame["data"]["s"] in symbols:
                    await ws.send(dumps(frame))
                    await asyncio.sleep(0)
