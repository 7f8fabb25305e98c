"""Provider-agnostic connection supervision for streaming feeds.

One connection attempt is a *session*: connect -> authenticate -> subscribe -> read until
something breaks. :class:`Supervisor` runs sessions forever: it classifies each failure,
counts it in :class:`~monitor.feeds.base.FeedHealth`, waits a capped, fully jittered
exponential backoff (reset once a session streamed for ``healthy_after_seconds``) and, for
fatal failures (bad credentials, missing entitlement, connection limit), sets the feed
FATAL with the reason and retries slowly instead of hammering the provider.

Two session kinds share the supervisor, the guarded per-frame entry point
(:class:`Dispatcher`) and the session-aware data-silence watchdog (:class:`SilenceWatchdog`):

- :class:`WebSocketFeed` for the ``websockets`` asyncio client; providers plug in through
  :class:`WsAdapter` (endpoint, authenticate, subscribe, parse, control handling, ping).
- :class:`HttpStreamFeed` for newline-delimited JSON over a chunked HTTP response
  (``aiohttp``); providers plug in through :class:`HttpStreamAdapter`.

Every subscription is stored in the adapter and replayed by ``subscribe`` on each new
connection, so a reconnect always resubscribes everything. Error kinds counted in
``FeedHealth.errors_total``: ``parse``, ``oversize``, ``protocol``, ``provider``,
``connect``, ``timeout``, ``silence``, ``disconnect``, ``fatal``, ``sink``, ``internal``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson
import structlog
from pydantic import Field, model_validator
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.frames import CloseCode

from monitor.config import Model
from monitor.core.events import NS_PER_SECOND
from monitor.errors import ConfigError, FeedError, FeedFatalError, FeedProtocolError
from monitor.feeds.base import FeedContext, FeedHealth, FeedSpec, FeedState
from monitor.feeds.wire import Control, Parsed, symbol_map, truncate

log = structlog.get_logger("monitor.feeds.connection")

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]
StreamingCallback = Callable[[], None]
Session = Callable[[StreamingCallback], Awaitable[None]]

FATAL_HTTP_STATUSES = frozenset({401, 403, 404, 429})
"""Handshake statuses that no quick retry will fix: credentials, entitlement, URL, rate."""


class ConnectionOptions(Model):
    """Reconnect, watchdog and size limits shared by every streaming feed."""

    initial_backoff_seconds: float = Field(default=1.0, gt=0)
    max_backoff_seconds: float = Field(default=60.0, gt=0)
    healthy_after_seconds: float = Field(default=60.0, ge=0)
    fatal_retry_min_seconds: float = Field(default=60.0, gt=0)
    fatal_retry_max_seconds: float = Field(default=300.0, gt=0)
    handshake_timeout_seconds: float = Field(default=10.0, gt=0)
    close_timeout_seconds: float = Field(default=2.0, gt=0)
    max_frame_bytes: int = Field(default=1 << 20, ge=1024)
    ping_interval_seconds: float | None = Field(default=20.0, gt=0)
    ping_timeout_seconds: float | None = Field(default=20.0, gt=0)

    @model_validator(mode="after")
    def _check_ranges(self) -> ConnectionOptions:
        if self.max_backoff_seconds < self.initial_backoff_seconds:
            raise ValueError("max_backoff_seconds must be >= initial_backoff_seconds")
        if self.fatal_retry_max_seconds < self.fatal_retry_min_seconds:
            raise ValueError("fatal_retry_max_seconds must be >= fatal_retry_min_seconds")
        return self


def served_symbols(
    spec: FeedSpec, provider: str, default: Callable[[str], str | None]
) -> dict[str, str]:
    """Map the spec's instruments to provider symbols; warn about the ones not served.

    Raises :class:`~monitor.errors.ConfigError` when the provider serves none of them.
    """
    symbols, skipped = symbol_map(spec.instruments, spec.symbols, default)
    if skipped:
        log.warning("instruments not served", feed=spec.name, provider=provider, skipped=skipped)
    if not symbols:
        raise ConfigError(
            f"feeds.{spec.name}: {provider} serves none of {', '.join(spec.instruments) or '[]'}"
            " (list instruments it covers, or map them in symbols)"
        )
    return symbols


class FeedSilentError(FeedError):
    """No market data for longer than the silence timeout while a venue is in session."""


class FrameTooLargeError(FeedError):
    """A frame or line exceeded ``max_frame_bytes``."""


class Backoff:
    """Capped exponential backoff with full jitter: ``uniform(0, min(cap, base * 2**n))``."""

    def __init__(self, initial: float, cap: float, rng: random.Random) -> None:
        self._initial = initial
        self._cap = cap
        self._rng = rng
        self._attempt = 0

    @property
    def attempt(self) -> int:
        """Delays handed out since the last reset."""
        return self._attempt

    def next_delay(self) -> float:
        """Return the next delay in seconds and advance the attempt counter."""
        ceiling = min(self._cap, self._initial * 2.0 ** min(self._attempt, 62))
        self._attempt += 1
        return self._rng.uniform(0.0, ceiling)

    def reset(self) -> None:
        """Start again from the initial delay."""
        self._attempt = 0


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a session ended: an error kind (metric label), fatal or not, and the reason."""

    kind: str
    reason: str
    fatal: bool = False


_BY_TYPE: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str, bool], ...] = (
    (FeedFatalError, "fatal", True),
    (FeedSilentError, "silence", False),
    (FrameTooLargeError, "oversize", False),
    (FeedProtocolError, "protocol", False),
    (TimeoutError, "timeout", False),
    ((ConnectionResetError, aiohttp.ClientPayloadError), "disconnect", False),
    ((OSError, InvalidHandshake, aiohttp.ClientError), "connect", False),
)


def classify(exc: BaseException) -> Failure:
    """Translate an exception that ended a session into a :class:`Failure` (pure)."""
    if isinstance(exc, ConnectionClosed):
        return _classify_closed(exc)
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        return Failure(
            "connect", f"handshake rejected: HTTP {status}", status in FATAL_HTTP_STATUSES
        )
    if isinstance(exc, InvalidURI):
        return Failure("connect", "invalid websocket URL", fatal=True)  # the URL may hold a key
    for types, kind, fatal in _BY_TYPE:
        if isinstance(exc, types):
            detail = str(exc) if isinstance(exc, FeedError) else f"{type(exc).__name__}: {exc}"
            return Failure(kind, detail, fatal)
    return Failure("internal", f"{type(exc).__name__}: {exc}")


def _classify_closed(exc: ConnectionClosed) -> Failure:
    if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
        return Failure("oversize", f"frame larger than the limit: {exc.sent.reason}")
    if exc.rcvd is not None and exc.rcvd.code == CloseCode.POLICY_VIOLATION:
        reason = exc.rcvd.reason or "policy violation"
        return Failure("fatal", f"closed by server (1008): {reason}", fatal=True)
    if exc.sent is not None and exc.sent.code == CloseCode.INTERNAL_ERROR:
        return Failure("timeout", f"websocket keepalive failed: {exc.sent.reason}")
    return Failure("disconnect", f"connection closed: {exc}")


class Supervisor:
    """Run sessions forever with backoff, slow fatal retries and health bookkeeping."""

    def __init__(
        self,
        health: FeedHealth,
        options: ConnectionOptions,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        self._health = health
        self._options = options
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._backoff = Backoff(
            options.initial_backoff_seconds, options.max_backoff_seconds, self._rng
        )
        self._streaming_since: float | None = None
        self._fatal = False
        self._log = log.bind(feed=health.name)

    def progress(self, state: FeedState) -> None:
        """Show a handshake step, unless the feed is FATAL (its reason stays visible)."""
        if not self._fatal:
            self._health.set_state(state)

    async def run(self, session: Session) -> None:
        """Run ``session`` again and again until cancelled; never returns normally."""
        attempts = 0
        try:
            while True:
                if attempts:
                    self._health.reconnects_total += 1
                attempts += 1
                self._streaming_since = None
                self.progress(FeedState.CONNECTING)
                failure = await self._attempt(session)
                await self._sleep(self._after_failure(failure))
        finally:
            self._health.set_state(FeedState.STOPPED)

    async def _attempt(self, session: Session) -> Failure:
        try:
            await session(self._on_streaming)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure is classified, counted and retried
            failure = classify(exc)
            if failure.kind == "internal":
                self._log.error("feed session crashed", exc_info=exc)
            return failure
        return Failure("disconnect", "connection closed by the server")

    def _on_streaming(self) -> None:
        self._streaming_since = self._monotonic()
        self._fatal = False
        self._health.set_state(FeedState.STREAMING)

    def _after_failure(self, failure: Failure) -> float:
        since = self._streaming_since
        if since is not None and self._monotonic() - since >= self._options.healthy_after_seconds:
            self._backoff.reset()
        self._health.count_error(failure.kind)
        self._fatal = failure.fatal
        if failure.fatal:
            delay = self._rng.uniform(
                self._options.fatal_retry_min_seconds, self._options.fatal_retry_max_seconds
            )
            self._health.set_state(FeedState.FATAL, failure.reason)
            self._log.error("feed fatal, retrying slowly", reason=failure.reason, retry_in=delay)
        else:
            delay = self._backoff.next_delay()
            self._health.set_state(FeedState.BACKOFF, failure.reason)
            self._log.warning(
                "feed disconnected",
                kind=failure.kind,
                reason=failure.reason,
                retry_in=round(delay, 3),
                attempt=self._backoff.attempt,
            )
        return delay


class SilenceWatchdog:
    """Flag a feed that sends no market data while any of its instruments is in session.

    Sessions are consulted only when the silence deadline passes, so the hot path costs one
    subtraction. Silence while every venue is closed resets the reference time.
    """

    def __init__(
        self, timeout_seconds: float, instruments: Sequence[str], ctx: FeedContext
    ) -> None:
        self._timeout_ns = int(timeout_seconds * NS_PER_SECOND)
        self._instruments = tuple(instruments)
        self._ctx = ctx
        self._since = 0

    def start(self, now_ns: int) -> None:
        """Begin watching (a fresh connection counts as data)."""
        self._since = now_ns

    def saw_data(self, now_ns: int) -> None:
        """Note market data received at ``now_ns``."""
        self._since = now_ns

    def budget(self, now_ns: int) -> float:
        """Seconds a reader may wait for the next frame before calling :meth:`check`."""
        return max(0.0, (self._since + self._timeout_ns - now_ns) / NS_PER_SECOND)

    def check(self, now_ns: int) -> None:
        """Raise :class:`FeedSilentError` when silent past the timeout while in session."""
        if now_ns - self._since < self._timeout_ns:
            return
        open_now = [i for i in self._instruments if self._ctx.sessions.is_open(i, now_ns)]
        if not open_now:
            self._since = now_ns
            return
        silent = (now_ns - self._since) / NS_PER_SECOND
        raise FeedSilentError(
            f"no market data for {silent:.1f}s while {', '.join(open_now)} in session"
        )


Parser = Callable[[str | bytes, int], Parsed]
ControlHandler = Callable[[Control], None]


class Dispatcher:
    """The one guarded entry point for every incoming frame.

    A frame that cannot be parsed is counted and logged (truncated) and the loop goes on;
    elements of a batch that fail are counted while the good events of the same batch
    still reach the sink. Control messages go to the adapter's handler, which may raise
    :class:`~monitor.errors.FeedFatalError` or :class:`~monitor.errors.FeedProtocolError`
    to end the session.
    """

    def __init__(
        self,
        name: str,
        parse: Parser,
        on_control: ControlHandler,
        ctx: FeedContext,
        watchdog: SilenceWatchdog,
    ) -> None:
        self._name = name
        self._parse = parse
        self._on_control = on_control
        self._ctx = ctx
        self._health = ctx.health
        self._watchdog = watchdog
        self._log = log.bind(feed=name)

    def dispatch(self, frame: str | bytes) -> list[Control]:
        """Handle one frame; return its control messages (after the adapter saw them)."""
        ts_recv = self._ctx.clock()
        health = self._health
        health.messages_total += 1
        health.last_message_ns = ts_recv
        try:
            parsed = self._parse(frame, ts_recv)
        except Exception as exc:  # guarded entry: a bad frame never ends the session
            health.count_error("parse")
            self._log.warning("unreadable frame", error=str(exc), frame=truncate(frame))
            return []
        for error in parsed.errors:
            health.count_error("parse")
            self._log.warning("unreadable element", error=error, frame=truncate(frame))
        if parsed.events:
            self._emit(parsed)
            self._watchdog.saw_data(ts_recv)
        for control in parsed.controls:
            if control.kind == "error":
                health.count_error("provider")
            self._on_control(control)
        return parsed.controls

    def _emit(self, parsed: Parsed) -> None:
        sink = self._ctx.sink
        for event in parsed.events:
            event.source = self._name
            try:
                sink(event)
            except Exception as exc:  # the core must not kill the feed; count and go on
                self._health.count_error("sink")
                self._log.error("sink rejected event", rejected=repr(event), exc_info=exc)


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
        """Send one JSON text frame.

        If the server has closed the connection, the frames it sent before closing (often
        the error that explains why) are dispatched first, so their verdict wins.
        """
        try:
            await self.ws.send(orjson.dumps(message).decode())
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
    ) -> None:
        self.name = name
        self.health = ctx.health
        self.adapter = adapter
        self._ctx = ctx
        self._options = options
        self._connector = connector
        self._watchdog = SilenceWatchdog(silence_timeout_seconds, instruments, ctx)
        self._dispatcher = Dispatcher(name, adapter.parse, adapter.on_control, ctx, self._watchdog)
        self._supervisor = Supervisor(ctx.health, options, sleep=sleep, rng=rng)

    async def run(self) -> None:
        """Stream until cancelled, reconnecting as needed."""
        await self._supervisor.run(self._session)

    async def _session(self, streaming: StreamingCallback) -> None:
        progress = self._supervisor.progress
        async with self._connector(self.adapter.endpoint(), self._options) as ws:
            link = WsLink(ws, self._dispatcher, self._options.handshake_timeout_seconds)
            progress(FeedState.AUTHENTICATING)
            await self.adapter.authenticate(link)
            progress(FeedState.SUBSCRIBING)
            await self.adapter.subscribe(link)
            streaming()
            await self._read(link)

    async def _read(self, link: WsLink) -> None:
        clock = self._ctx.clock
        watchdog = self._watchdog
        watchdog.start(clock())
        interval = self.adapter.ping_interval
        loop = asyncio.get_running_loop()
        next_ping = loop.time() + interval if interval else float("inf")
        while True:
            wait = min(watchdog.budget(clock()), next_ping - loop.time())
            try:
                async with asyncio.timeout(max(wait, 0.0)):
                    frame = await link.ws.recv()
            except TimeoutError:
                watchdog.check(clock())
                if interval and loop.time() >= next_ping:
                    await self.adapter.ping(link)
                    next_ping = loop.time() + interval
                continue
            self._dispatcher.dispatch(frame)


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
    ) -> None:
        self.name = name
        self.health = ctx.health
        self.adapter = adapter
        self._ctx = ctx
        self._options = options
        self._session_factory = session_factory
        self._watchdog = SilenceWatchdog(silence_timeout_seconds, instruments, ctx)
        self._dispatcher = Dispatcher(name, adapter.parse, adapter.on_control, ctx, self._watchdog)
        self._supervisor = Supervisor(ctx.health, options, sleep=sleep, rng=rng)

    async def run(self) -> None:
        """Stream until cancelled, reconnecting as needed."""
        async with self._session_factory() as http:
            await self._supervisor.run(lambda streaming: self._session(http, streaming))

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
        clock = self._ctx.clock
        watchdog = self._watchdog
        watchdog.start(clock())
        lines = LineSplitter(self._options.max_frame_bytes, clock())
        line_timeout = self.adapter.line_timeout_seconds
        while True:
            now = clock()
            wait = min(watchdog.budget(now), line_timeout - lines.idle_for(now))
            try:
                async with asyncio.timeout(max(wait, 0.0)):
                    chunk = await content.readany()
            except TimeoutError:
                now = clock()
                watchdog.check(now)
                if lines.idle_for(now) >= line_timeout:
                    raise TimeoutError(f"no line for {line_timeout:g}s") from None
                continue
            if not chunk:
                raise ConnectionResetError("stream ended by the server")
            for line in lines.feed(chunk, clock()):
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
    "Backoff",
    "ConnectionOptions",
    "Dispatcher",
    "Endpoint",
    "Failure",
    "FeedSilentError",
    "FrameTooLargeError",
    "HttpRequest",
    "HttpStreamAdapter",
    "HttpStreamFeed",
    "LineSplitter",
    "SilenceWatchdog",
    "Supervisor",
    "WebSocketFeed",
    "WsAdapter",
    "WsConnector",
    "WsLink",
    "classify",
    "served_symbols",
    "connect_websocket",
    "default_http_session",
    "Session",
]
