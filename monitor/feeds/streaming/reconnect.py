"""The reconnect loop of a streaming feed: run sessions forever, classify what ends them.

One connection attempt is a *session*: connect -> authenticate -> subscribe -> read until
something breaks. :class:`ReconnectLoop` runs sessions forever: it classifies each
failure (:func:`classify`, pure), counts it in :class:`~monitor.feeds.base.FeedHealth`,
waits the shared :class:`~monitor.retry.Backoff` (full jitter, reset once a session
streamed for ``healthy_after_seconds``) and, for fatal failures (bad credentials, missing
entitlement, connection limit), sets the feed FATAL with the reason and retries slowly
instead of hammering the provider. Error kinds counted in ``FeedHealth.errors_total``:
``parse``, ``oversize``, ``protocol``, ``provider``, ``connect``, ``timeout``,
``silence``, ``disconnect``, ``fatal``, ``sink``, ``internal``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import structlog
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.frames import CloseCode

from monitor.errors import FeedError, FeedFatalError, FeedProtocolError
from monitor.feeds.base import FeedHealth, FeedState
from monitor.feeds.streaming.options import ConnectionOptions
from monitor.feeds.streaming.watchdog import FeedSilentError
from monitor.retry import Backoff, Monotonic

log = structlog.get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]
StreamingCallback = Callable[[], None]
Session = Callable[[StreamingCallback], Awaitable[None]]

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
    ) -> None:
        self._health = health
        self._options = options
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._backoff = Backoff(
            options.initial_backoff_seconds,
            options.max_backoff_seconds,
            healthy_after=options.healthy_after_seconds,
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


__all__ = [
    "FATAL_HTTP_STATUSES",
    "Failure",
    "ReconnectLoop",
    "Session",
    "Sleep",
    "StreamingCallback",
    "classify",
]
