"""A websocket mock server base: per-connection sessions, broadcast, drop, records."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Self

import orjson
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response


def dumps(message: Any) -> str:
    return orjson.dumps(message).decode()


class WsMockServer:
    """Run :meth:`session` for every connection on an ephemeral 127.0.0.1 port.

    ``frames`` are sent to every connection right after it is subscribed, so a reconnect
    that resubscribes receives them again. ``silent`` keeps the socket open but sends no
    data after the subscription ack.
    """

    path = "/"

    def __init__(self, *, frames: Sequence[Any] = (), silent: bool = False) -> None:
        self.frames = list(frames)
        self.silent = silent
        self.connections = 0
        self.received: list[Any] = []
        self.subscribed: list[ServerConnection] = []
        self.live: set[ServerConnection] = set()
        self.request_paths: list[str] = []
        self._server: Server | None = None
        self._port = 0

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen (again): on an ephemeral port the first time, then on the same port."""
        self._server = await serve(
            self._handle, "127.0.0.1", self._port, process_request=self._process_request
        )
        self._port = next(iter(self._server.sockets)).getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and close every connection (the provider goes away)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    @property
    def port(self) -> int:
        assert self._port, "server never started"
        return self._port

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{self.path}"

    def _process_request(self, ws: ServerConnection, request: Request) -> Response | None:
        self.request_paths.append(request.path)
        return self.check_request(ws, request)

    def check_request(self, ws: ServerConnection, request: Request) -> Response | None:
        """Reject the handshake by returning a response (default: accept)."""
        return None

    async def _handle(self, ws: ServerConnection) -> None:
        self.connections += 1
        self.live.add(ws)
        try:
            await self.session(ws)
        except ConnectionClosed:
            pass
        finally:
            self.live.discard(ws)

    async def session(self, ws: ServerConnection) -> None:
        raise NotImplementedError

    async def send(self, ws: ServerConnection, message: Any) -> None:
        await ws.send(message if isinstance(message, str | bytes) else dumps(message))

    async def on_subscribed(self, ws: ServerConnection) -> None:
        """Mark ``ws`` subscribed and send the scripted frames unless silent."""
        self.subscribed.append(ws)
        if self.silent:
            return
        for frame in self.frames:
            await self.send(ws, frame)

    async def broadcast(self, message: Any) -> None:
        """Send a frame to every live subscribed connection."""
        for ws in list(self.live):
            if ws in self.subscribed:
                await self.send(ws, message)

    def drop(self) -> None:
        """Abort every live connection without a close frame (a network drop)."""
        for ws in list(self.live):
            ws.transport.abort()

    async def hold(self, ws: ServerConnection) -> None:
        """Keep the connection open, recording what the client sends."""
        async for raw in ws:
            self.received.append(orjson.loads(raw))


async def wait_closed(ws: ServerConnection) -> None:
    """Wait until the client goes away."""
    await asyncio.shield(ws.wait_closed())
