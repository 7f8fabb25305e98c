"""An Alpaca market data v2 mock: success/connected -> success/authenticated -> subscription.

Failure knobs reproduce the documented error codes: 402 auth failed, 404 auth timeout,
406 connection limit exceeded, 407 slow client, 409 insufficient subscription.

A client whose handshake carries ``Content-Type: application/msgpack`` is spoken to in
MessagePack both ways, as Alpaca does: binary frames, and every ``t`` timestamp sent as a
MessagePack Timestamp extension instead of an RFC 3339 string.
"""

from __future__ import annotations

import asyncio
import calendar
from collections.abc import Sequence
from typing import Any

import msgpack
import orjson
from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from .base import WsMockServer, dumps

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
        self.msgpack: set[ServerConnection] = set()  # connections that asked for msgpack

    def check_request(self, ws: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Content-Type") == "application/msgpack":
            self.msgpack.add(ws)
        return None

    async def send(self, ws: ServerConnection, message: Any) -> None:
        if ws in self.msgpack:
            await ws.send(msgpack.packb(with_timestamps(message)))
        else:
            await ws.send(message if isinstance(message, str | bytes) else dumps(message))

    def decode(self, ws: ServerConnection, raw: str | bytes) -> Any:
        """A client message: msgpack (binary) on a msgpack connection, else JSON text."""
        if ws in self.msgpack:
            assert isinstance(raw, bytes), "text frame on a msgpack connection"
            return msgpack.unpackb(raw)
        return orjson.loads(raw)

    async def session(self, ws: ServerConnection) -> None:
        await self.send(ws, [{"T": "success", "msg": "connected"}])
        if not await self._authenticate(ws):
            return
        subs: dict[str, set[str]] = {"trades": set(), "quotes": set(), "bars": set()}
        async for raw in ws:
            message = self.decode(ws, raw)
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
        message = self.decode(ws, raw)
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


def with_timestamps(message: Any) -> Any:
    """``message`` with every ``t`` RFC 3339 string as a msgpack Timestamp (exact ns)."""
    if isinstance(message, list):
        return [with_timestamps(item) for item in message]
    if isinstance(message, dict):
        return {
            k: rfc3339_timestamp(v) if k == "t" and isinstance(v, str) else v
            for k, v in message.items()
        }
    return message


def rfc3339_timestamp(text: str) -> msgpack.Timestamp:
    """``2026-11-20T20:59:58.123456789Z`` -> Timestamp (UTC ``Z`` times only)."""
    assert text.endswith("Z"), text
    whole, _, frac = text[:-1].partition(".")
    date, _, clock = whole.partition("T")
    fields = [int(x) for x in date.split("-")] + [int(x) for x in clock.split(":")]
    seconds = calendar.timegm((*fields, 0, 0, 0))
    return msgpack.Timestamp(seconds, int((frac or "0").ljust(9, "0")[:9]))
