"""An Alpaca market data v2 mock: success/connected -> success/authenticated -> subscription.

Failure knobs reproduce the documented error codes: 402 auth failed, 404 auth timeout,
406 connection limit exceeded, 407 slow client, 409 insufficient subscription.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import orjson
from websockets.asyncio.server import ServerConnection

from .base import WsMockServer

MESSAGES = {
    402: "auth failed",
    404: "auth timeout",
    406: "connection limit exceeded",
    407: "slow client",
    409: "insufficient subscription",
}


def error(code: int) -> list[dict[str, Any]]:
    return [{"T": "error", "code": code, "msg": MESSAGES[code]}]


class AlpacaServer(WsMockServer):
    """Speak the Alpaca v2 stream protocol; ``fail_with`` picks a failure path."""

    path = "/v2/iex"

    def __init__(
        self,
        *,
        key: str = "AKTEST",
        secret: str = "s3cret",
        frames: Sequence[Any] = (),
        silent: bool = False,
        fail_with: int | None = None,
        auth_timeout: float = 10.0,
    ) -> None:
        super().__init__(frames=frames, silent=silent)
        self.key, self.secret = key, secret
        self.fail_with = fail_with
        self.auth_timeout = auth_timeout
        self.subscriptions: list[dict[str, Any]] = []

    async def session(self, ws: ServerConnection) -> None:
        await self.send(ws, [{"T": "success", "msg": "connected"}])
        if not await self._authenticate(ws):
            return
        subs: dict[str, set[str]] = {"trades": set(), "quotes": set(), "bars": set()}
        async for raw in ws:
            message = orjson.loads(raw)
            self.received.append(message)
            if message.get("action") != "subscribe":
                continue
            if self.fail_with == 409:
                await self.send(ws, error(409))
                continue
            for channel, symbols in subs.items():
                symbols.update(message.get(channel, []))
            self.subscriptions.append(message)
            ack = {"T": "subscription", **{k: sorted(v) for k, v in subs.items()}}
            await self.send(ws, [ack])
            if self.fail_with == 407:
                await self.send(ws, error(407))
                await ws.close()
                return
            await self.on_subscribed(ws)

    async def _authenticate(self, ws: ServerConnection) -> bool:
        if self.fail_with == 404:  # as if the client had not authenticated within 10 s
            await self.send(ws, error(404))
            await ws.close()
            return False
        try:
            async with asyncio.timeout(self.auth_timeout):
                raw = await ws.recv()
        except TimeoutError:
            await self.send(ws, error(404))
            await ws.close()
            return False
        message = orjson.loads(raw)
        self.received.append(message)
        if message.get("key") != self.key or message.get("secret") != self.secret:
            await self.send(ws, error(402))
            await ws.close()
            return False
        if self.fail_with == 406:
            await self.send(ws, error(406))
            await ws.close()
            return False
        await self.send(ws, [{"T": "success", "msg": "authenticated"}])
        return True
