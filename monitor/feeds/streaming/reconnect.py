"""The reconnect loop of a streaming feed: run sessions forever, classify what ends them.

One connection attempt is a *session*: connect -> authenticate -> subscribe -> read until
something breaks. :class:`ReconnectLoop` runs sessions forever: it classifies each
failure (:func:`classify`, pure), counts it in :class:`~monitor.feeds.base.FeedHealth`,
waits the shared :class:`~monitor.retry.Backoff` and, for fatal failures (bad
credentials, missing entitlement, connection limit), sets the feed FATAL with the reason
and retries slowly instead of hammering the provider.

The policy (options in :class:`~monitor.feeds.streaming.options.ConnectionOptions`): while
a venue of the feed is in session the delay ceiling is ``session_max_backoff_seconds``
(1.5 s), so the feed is back within about 2 s of the provider's return; while all are
closed it is ``max_backoff_seconds`` (30 s). Attempts start at least
``min_attempt_interval_seconds`` (1 s) apart, and time spent streaming takes doublings
back (``backoff_decay_seconds``), so a flapping provider does not push the delay up.

Error kinds counted in ``FeedHealth.errors_total``: ``parse``, ``oversize``,
``protocol``, ``provider``, ``connect``, ``timeout``, ``silence``, ``disconnect``,
``fatal``, ``sink``, ``internal``.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiohttp
import structlog
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.frames import CloseCode

from monitor.errors import FeedError, FeedFatalError, FeedProtocolError
from monitor.feeds.base import FeedContext, FeedHealth, FeedState
from monitor.feeds.streaming.options import ConnectionOptions
from monitor.feeds.streaming.watchdog import FeedSilentError
from monitor.retry import Backoff, Monotonic

log = structlog.get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]
StreamingCallback = Callable[[], None]
Session = Callable[[StreamingCallback], Awaitable[None]]
InSession = Callable[[], bool]
"""Whether any venue of the feed is in session now (the low delay ceiling applies)."""

FATAL_HTTP_STATUSES = frozenset({401, 403, 404, 429})
"""Handshake statuses that no quick retry will fix: credentials, entitlement, URL, rate."""


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a session ended: an error kind (metric label), fatal or not, and the reason."""

    kind: str
    reason: str
    fatal: bool = False


_BY_TYPE: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str, bool], ...] = (
    (FeedFatalError, "fatal", True),
    (FeedSilentError, "silence", False),
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


def venue_open(ctx: FeedContext, instruments: Sequence[str]) -> InSession:
    """An :data:`InSession` probe: is any of ``instruments`` in session at ``ctx.clock()``?"""
    names = tuple(instruments)

    def probe() -> bool:
        now = ctx.clock()
        return any(ctx.sessions.is_open(name, now) for name in names)

    return probe


def _classify_closed(exc: ConnectionClosed) -> Failure:
    if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
        return Failure("oversize", f"frame larger than the limit: {exc.sent.reason}")
    if exc.rcvd is not None and exc.rcvd.code == CloseCode.POLICY_VIOLATION:
        reason = exc.rcvd.reason or "policy violation"
        return Failure("fatal", f"closed by server (1008): {reason}", fatal=True)
    if exc.sent is not None and exc.sent.code == CloseCode.INTERNAL_ERROR:
        return Failure("timeout", f"websocket keepalive failed: {exc.sent.reason}")
    return Failure("disconnect", f"connection closed: {exc}")


class ReconnectLoop:
    """Run sessions forever with backoff, slow fatal retries and health bookkeeping."""

    def __init__(
        self,
        health: FeedHealth,
        options: ConnectionOptions,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        monotonic: Monotonic = time.monotonic,
        in_session: InSession | None = None,
    ) -> None:
        self._health = health
        self._options = options
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._in_session = in_session
        self._last_attempt = -math.inf
        self._backoff = Backoff(
            options.initial_backoff_seconds,
            options.max_backoff_seconds,
            jitter=options.backoff_jitter,
            healthy_after=options.healthy_after_seconds,
            decay_every=options.backoff_decay_seconds,
            rng=self._rng.random,
            clock=monotonic,
        )
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
                self._health.connect_attempts_total += 1
                self._last_attempt = self._monotonic()
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
        self._backoff.running()
        self._fatal = False
        self._health.set_state(FeedState.STREAMING)

    def _after_failure(self, failure: Failure) -> float:
        self._health.count_error(failure.kind)
        self._fatal = failure.fatal
        if failure.fatal:
            delay = self._rng.uniform(
                self._options.fatal_retry_min_seconds, self._options.fatal_retry_max_seconds
            )
            self._health.set_state(FeedState.FATAL, failure.reason)
            self._log.error("feed fatal, retrying slowly", reason=failure.reason, retry_in=delay)
            return delay
        delay = self._next_delay()
        self._health.set_state(FeedState.BACKOFF, failure.reason)
        self._log.warning(
            "feed disconnected",
            kind=failure.kind,
            reason=failure.reason,
            retry_in=round(delay, 3),
            attempt=self._backoff.attempt,
        )
        return delay

    def _next_delay(self) -> float:
        """The backoff delay (session-aware cap), stretched to the minimum attempt spacing."""
        cap = self._options.session_max_backoff_seconds if self._venue_open() else None
        delay = self._backoff.next_delay(cap)
        since_attempt = self._monotonic() - self._last_attempt
        return max(delay, self._options.min_attempt_interval_seconds - since_attempt)

    def _venue_open(self) -> bool:
        if self._in_session is None:
            return False
        try:
            return self._in_session()
        except Exception:  # a broken calendar must not stop reconnecting
            self._log.exception("session lookup failed; using the closed-venue delays")
            return False


__all__ = [
    "FATAL_HTTP_STATUSES",
    "InSession",
    "Failure",
    "ReconnectLoop",
    "Session",
    "Sleep",
    "StreamingCallback",
    "classify",
    "venue_open",
]
