"""An OANDA v20 pricing stream mock over aiohttp: chunked NDJSON with heartbeats.

``GET /v3/accounts/{account}/pricing/stream?instruments=...`` with
``Authorization: Bearer <token>``. A wrong token gets 401, an unknown account 404, a
missing ``instruments`` parameter 400 (OANDA's JSON ``errorMessage`` bodies). ``silent``
sends heartbeats but no prices; ``mute`` sends nothing at all but keeps the response open.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Self

import orjson
from aiohttp import web


class OandaServer:
    """Serve the pricing stream on an ephemeral 127.0.0.1 port."""

    def __init__(
        self,
        *,
        token: str = "good-token",
        account: str = "101-001-1234567-001",
        frames: Sequence[Any] = (),
        heartbeat_every: float = 0.05,
        silent: bool = False,
        mute: bool = False,
    ) -> None:
        self.token = token
        self.account = account
        self.frames = list(frames)
        self.heartbeat_every = heartbeat_every
        self.silent = silent
        self.mute = mute
        self.connections = 0
        self.rejected: list[int] = []
        self.queries: list[dict[str, str]] = []
        self.headers: list[dict[str, str]] = []
        self._live: set[web.StreamResponse] = set()
        self._transports: set[asyncio.Transport] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_get("/v3/accounts/{account}/pricing/stream", self._stream)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.drop()
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def drop(self) -> None:
        """Abort every open stream (a network drop)."""
        for transport in list(self._transports):
            transport.abort()

    async def broadcast(self, message: Any) -> None:
        for response in list(self._live):
            await response.write(orjson.dumps(message) + b"\n")

    def _reject(self, status: int, message: str) -> web.Response:
        self.rejected.append(status)
        return web.json_response({"errorMessage": message}, status=status)

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        self.connections += 1
        self.queries.append(dict(request.query))
        self.headers.append(dict(request.headers))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._reject(401, "Insufficient authorization to perform request.")
        if request.match_info["account"] != self.account:
            return self._reject(404, "The specified Account does not exist.")
        if not request.query.get("instruments"):
            return self._reject(400, "Invalid value specified for 'instruments'")
        response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        transport = request.transport
        assert isinstance(transport, asyncio.Transport)
        self._live.add(response)
        self._transports.add(transport)
        try:
            await self._feed(response)
        finally:
            self._live.discard(response)
            self._transports.discard(transport)
        return response

    async def _feed(self, response: web.StreamResponse) -> None:
        if not (self.silent or self.mute):
            for frame in self.frames:
                line = frame if isinstance(frame, bytes) else orjson.dumps(frame)
                await response.write(line + b"\n")
        while True:
            await asyncio.sleep(self.heartbeat_every)
            if not self.mute:
                beat = {"type": "HEARTBEAT", "time": "2026-11-21T09:00:00.000000000Z"}
                await response.write(orjson.dumps(beat) + b"\n")
