"""Newline-delimited JSON over a chunked HTTP response (``aiohttp``): OANDA-style streams.

:class:`HttpStreamFeed` owns the request, the reconnect loop, the silence watchdog, a
line timeout (heartbeats count) and the per-line dispatcher; a provider's
:class:`HttpStreamAdapter` builds the request, judges a refused response and parses lines.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import aiohttp
import structlog

from monitor.core.events import NS_PER_SECOND
from monitor.errors import FeedProtocolError
from monitor.feeds.base import FeedContext
from monitor.feeds.streaming.options import ConnectionOptions
from monitor.feeds.streaming.reconnect import (
    Sleep,
    StreamingCallback,
)
from monitor.feeds.streaming.session import StreamParts
from monitor.feeds.wire import Control, Parsed, truncate
from monitor.retry import Monotonic

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """A streaming HTTP GET: URL, query parameters and headers."""

    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


class HttpStreamAdapter:
    """Hooks a newline-delimited JSON streaming provider implements."""

    line_timeout_seconds: float = 10.0
    """Reconnect when no line at all (data or heartbeat) arrives for this long."""

    def request(self) -> HttpRequest:
        """Return the streaming request (with every instrument of the subscription)."""
        raise NotImplementedError

    def check_response(self, status: int, body: str) -> None:
        """Raise a FeedError for a non-200 response (fatal or not, provider's choice)."""
        raise FeedProtocolError(f"HTTP {status}: {truncate(body)}")

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        """Turn one line into events and control messages (pure)."""
        raise NotImplementedError

    def on_control(self, control: Control) -> None:
        """React to a control message; raise a FeedError to end the session."""


SessionFactory = Callable[[], aiohttp.ClientSession]


def default_http_session() -> aiohttp.ClientSession:
    """Build the HTTP client session for streaming (no total timeout: the stream is endless)."""
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=10))


class HttpStreamFeed:
    """A feed that streams NDJSON over a chunked HTTP response through an adapter."""

    def __init__(
        self,
        name: str,
        adapter: HttpStreamAdapter,
        ctx: FeedContext,
        *,
        instruments: Sequence[str],
        silence_timeout_seconds: float,
        options: ConnectionOptions,
        session_factory: SessionFactory = default_http_session,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self.name = name
        self.health = ctx.health
        self.adapter = adapter
        self._ctx = ctx
        self._options = options
        self._session_factory = session_factory
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
        async with self._session_factory() as http:
            await self._reconnect.run(lambda streaming: self._session(http, streaming))

    async def _session(self, http: aiohttp.ClientSession, streaming: StreamingCallback) -> None:
        request = self.adapter.request()
        async with asyncio.timeout(self._options.handshake_timeout_seconds):
            response = await http.get(
                request.url, params=dict(request.params), headers=dict(request.headers)
            )
        async with response:
            if response.status != 200:
                body = await response.text(errors="replace")
                self.adapter.check_response(response.status, body)
                raise FeedProtocolError(f"HTTP {response.status}: {truncate(body)}")
            streaming()
            await self._read(response.content)

    async def _read(self, content: aiohttp.StreamReader) -> None:
        """Dispatch lines until the stream ends, falls silent or fails.

        As for websockets, one timer per deadline (data silence or line timeout), not one
        per chunk: the deadlines are judged when the timer fires, then it is armed again.
        """
        clock = self._ctx.clock
        watchdog = self._watchdog
        watchdog.start(clock())
        lines = LineSplitter(self._options.max_frame_bytes, clock())
        line_timeout = self.adapter.line_timeout_seconds
        while True:
            now = clock()
            wait = min(watchdog.budget(now), line_timeout - lines.idle_for(now))
            timer = asyncio.timeout(max(wait, 0.0))
            try:
                async with timer:
                    while True:
                        self._consume(lines, await content.readany())
            except TimeoutError:
                if not timer.expired():
                    raise
            now = clock()
            watchdog.check(now)
            if lines.idle_for(now) >= line_timeout:
                raise TimeoutError(f"no line for {line_timeout:g}s")

    def _consume(self, lines: LineSplitter, chunk: bytes) -> None:
        if not chunk:
            raise ConnectionResetError("stream ended by the server")
        for line in lines.feed(chunk, self._ctx.clock()):
            self._dispatcher.dispatch(line)
        if lines.oversize:
            self.health.count_error("oversize")
            log.warning("line too long, dropped", feed=self.name, limit=lines.limit)
            lines.oversize = 0


class LineSplitter:
    """Split a byte stream into lines, dropping lines longer than ``limit`` bytes."""

    def __init__(self, limit: int, now_ns: int) -> None:
        self.limit = limit
        self.oversize = 0
        self._buffer = bytearray()
        self._skipping = False
        self._last_line_ns = now_ns

    def idle_for(self, now_ns: int) -> float:
        """Seconds since the last complete line (or since the start)."""
        return (now_ns - self._last_line_ns) / NS_PER_SECOND

    def feed(self, chunk: bytes, now_ns: int) -> list[bytes]:
        """Add a chunk; return the complete, non-empty lines it finished."""
        out: list[bytes] = []
        self._buffer += chunk
        while (cut := self._buffer.find(b"\n")) >= 0:
            line = bytes(self._buffer[:cut]).strip()
            del self._buffer[: cut + 1]
            self._last_line_ns = now_ns
            if self._skipping:
                self._skipping = False
            elif len(line) > self.limit:
                self.oversize += 1
            elif line:
                out.append(line)
        if len(self._buffer) > self.limit:
            self._buffer.clear()
            if not self._skipping:
                self.oversize += 1
            self._skipping = True
        return out


__all__ = [
    "HttpRequest",
    "HttpStreamAdapter",
    "HttpStreamFeed",
    "LineSplitter",
    "SessionFactory",
    "default_http_session",
]
