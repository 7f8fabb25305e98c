"""Websocket feeds: a provider's :class:`WsAdapter` hooks run by :class:`WebSocketFeed`.

The feed owns the connection (``websockets`` asyncio client), the reconnect loop, the
silence watchdog and the per-frame dispatcher; the adapter knows the provider: endpoint,
login, subscription (every stored subscription is replayed by ``subscribe`` on each new
connection), parsing, control handling and application-level pings.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from monitor.feeds.base import FeedContext, FeedState
from monitor.feeds.streaming.dispatch import Dispatcher
from monitor.feeds.streaming.options import ConnectionOptions
from monitor.feeds.streaming.reconnect import (
    Sleep,
    StreamingCallback,
)
from monitor.feeds.streaming.session import StreamParts
from monitor.feeds.wire import Control, Parsed
from monitor.retry import Monotonic


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where to connect: URL and extra HTTP headers for the handshake."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)


class WsLink:
    """What adapter hooks see of one live websocket connection."""

    def __init__(self, ws: ClientConnection, dispatcher: Dispatcher, timeout: float) -> None:
        self.ws = ws
        self._dispatcher = dispatcher
        self._timeout = timeout

    async def send_json(self, message: Any) -> None:
        """Send one JSON text frame (see :meth:`send_frame`)."""
        await self.send_frame(orjson.dumps(message).decode())

    async def send_frame(self, frame: str | bytes) -> None:
        """Send one frame: text (``str``) or binary (``bytes``, e.g. msgpack).

        If the server has closed the connection, the frames it sent before closing (often
        the error that explains why) are dispatched first, so their verdict wins.
        """
        try:
            await self.ws.send(frame)
        except ConnectionClosed:
            await self._drain()
            raise

    async def _drain(self) -> None:
        async with asyncio.timeout(self._timeout):
            while True:
                try:
                    frame = await self.ws.recv()
                except ConnectionClosed:
                    return
                self._dispatcher.dispatch(frame)

    async def expect(self, wanted: Callable[[Control], bool], what: str) -> Control:
        """Read frames (data is dispatched as usual) until a control matches ``wanted``.

        Raises :class:`TimeoutError` after the handshake timeout.
        """
        try:
            async with asyncio.timeout(self._timeout):
                while True:
                    frame = await self.ws.recv()
                    for control in self._dispatcher.dispatch(frame):
                        if wanted(control):
                            return control
        except TimeoutError:
            raise TimeoutError(f"no {what} within {self._timeout:g}s") from None


class WsAdapter:
    """Hooks a websocket provider implements; the connection loop knows no provider.

    Subclasses keep their subscription (instruments and channels) and replay all of it in
    :meth:`subscribe` on every connection.
    """

    ping_interval: float | None = None
    """Seconds between application-level pings (:meth:`ping`); ``None`` for none."""

    def endpoint(self) -> Endpoint:
        """Return the URL and handshake headers (may embed credentials)."""
        raise NotImplementedError

    async def authenticate(self, link: WsLink) -> None:
        """Run the provider's login sequence (default: nothing to do)."""

    async def subscribe(self, link: WsLink) -> None:
        """Send every stored subscription; wait for the acks if the provider sends them."""
        raise NotImplementedError

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Turn one frame into events and control messages (pure)."""
        raise NotImplementedError

    def on_control(self, control: Control) -> None:
        """React to a control message; raise a FeedError to end the session."""

    async def ping(self, link: WsLink) -> None:
        """Send an application-level ping (only called when ``ping_interval`` is set)."""


WsConnector = Callable[[Endpoint, ConnectionOptions], AbstractAsyncContextManager[ClientConnection]]


def connect_websocket(
    endpoint: Endpoint, options: ConnectionOptions
) -> AbstractAsyncContextManager[ClientConnection]:
    """Open a websocket with the ``websockets`` asyncio client (the default connector)."""
    return connect(
        endpoint.url,
        additional_headers=dict(endpoint.headers),
        max_size=options.max_frame_bytes,
        open_timeout=options.handshake_timeout_seconds,
        ping_interval=options.ping_interval_seconds,
        ping_timeout=options.ping_timeout_seconds,
        close_timeout=options.close_timeout_seconds,
    )


class WebSocketFeed:
    """A feed that streams over a websocket through a :class:`WsAdapter`."""

    def __init__(
        self,
        name: str,
        adapter: WsAdapter,
        ctx: FeedContext,
        *,
        instruments: Sequence[str],
        silence_timeout_seconds: float,
        options: ConnectionOptions,
        connector: WsConnector = connect_websocket,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.name = name
        self.health = ctx.health
        self.adapter = adapter
        self._ctx = ctx
        self._options = options
        self._connector = connector
        parts = StreamParts.build(
            name,
            adapter.parse,
            adapter.on_control,
            ctx,
            instruments=instruments,
            silence_timeout_seconds=silence_timeout_seconds,
            options=options,
            sleep=sleep,
            rng=rng,
            monotonic=monotonic,
        )
        self._watchdog, self._dispatcher = parts.watchdog, parts.dispatcher
        self._reconnect = parts.reconnect

    async def run(self) -> None:
        """Stream until cancelled, reconnecting as needed."""
        await self._reconnect.run(self._session)

    async def _session(self, streaming: StreamingCallback) -> None:
        progress = self._reconnect.progress
        async with self._connector(self.adapter.endpoint(), self._options) as ws:
            link = WsLink(ws, self._dispatcher, self._options.handshake_timeout_seconds)
            progress(FeedState.AUTHENTICATING)
            await self.adapter.authenticate(link)
            progress(FeedState.SUBSCRIBING)
            await self.adapter.subscribe(link)
            streaming()
            await self._read(link)

    async def _read(self, link: WsLink) -> None:
        """Dispatch frames until the connection ends, the feed falls silent or fails.

        One timer per silence or ping deadline, not one per frame: frames are read under
        a timer armed for the earliest deadline; when it fires, the watchdog judges the
        silence since the last data (which may have come since the timer was armed) and
        the timer is armed again for the next deadline.
        """
        clock = self._ctx.clock
        watchdog = self._watchdog
        watchdog.start(clock())
        interval = self.adapter.ping_interval
        loop = asyncio.get_running_loop()
        next_ping = loop.time() + interval if interval else float("inf")
        recv, dispatch = link.ws.recv, self._dispatcher.dispatch
        while True:
            wait = min(watchdog.budget(clock()), next_ping - loop.time())
            timer = asyncio.timeout(max(wait, 0.0))
            try:
                async with timer:
                    while True:
                        dispatch(await recv())
            except TimeoutError:
                if not timer.expired():
                    raise
            watchdog.check(clock())
            if interval and loop.time() >= next_ping:
                await self.adapter.ping(link)
                next_ping = loop.time() + interval


__all__ = [
    "Endpoint",
    "WebSocketFeed",
    "WsAdapter",
    "WsConnector",
    "WsLink",
    "connect_websocket",
]
