"""Connecting to the bus and making sure the stream exists (the boundary to ``nats-py``).

The client's own reconnect is off: the caller's loop (a feed's
:class:`~monitor.feeds.streaming.ReconnectLoop`, the gateway's publisher, the recorder)
owns retries, so a lost server shows at once as a failed session with a reason, and
resuming is explicit (from the next stream sequence). Library errors are translated here:
:class:`BusUnavailableError` (cannot connect; counted as ``connect``) and
:class:`BusLostError` (the connection dropped; counted as ``disconnect``); both are
:class:`~monitor.errors.FeedError` too, so a feed shows their message as its reason.
"""

from __future__ import annotations

import asyncio

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig

from monitor.bus.subjects import stream_subjects
from monitor.errors import FeedError
from monitor.settings.bus import BusConfig

PING_INTERVAL_SECONDS = 2
MAX_OUTSTANDING_PINGS = 2
"""A server that stops answering is noticed within about 4 to 6 seconds."""

NatsError = nats.errors.Error


class BusUnavailableError(ConnectionError, FeedError):
    """The bus cannot be reached, or the stream is missing."""


class BusLostError(ConnectionResetError, FeedError):
    """The connection to the bus dropped."""


async def _quiet(_exc: Exception) -> None:
    """Connection errors surface as exceptions to the caller; the client need not log."""


async def connect(url: str, name: str, connect_timeout: float) -> Client:
    """An open connection to the servers in ``url`` (comma-separated), or BusUnavailableError."""
    servers = [u.strip() for u in url.split(",") if u.strip()]
    try:
        # max_reconnect_attempts=1 with no wait: each server is tried (at most twice), then
        # NoServersError; 0 would make nats-py try the pool forever.
        async with asyncio.timeout(2 * len(servers) * connect_timeout + 1):
            client: Client = await nats.connect(
                servers=servers,
                name=name,
                connect_timeout=max(1, round(connect_timeout)),
                allow_reconnect=False,
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                ping_interval=PING_INTERVAL_SECONDS,
                max_outstanding_pings=MAX_OUTSTANDING_PINGS,
                error_cb=_quiet,
            )
    except (NatsError, OSError, TimeoutError) as exc:
        raise BusUnavailableError(f"bus {url} unreachable: {type(exc).__name__}: {exc}") from exc
    return client


def stream_config(config: BusConfig) -> StreamConfig:
    """The stream that ``config`` describes (subjects, retention by age and bytes)."""
    return StreamConfig(
        name=config.stream,
        subjects=stream_subjects(config.subject_prefix),
        max_age=config.max_age_seconds,
        max_bytes=config.max_bytes,
        storage=StorageType.FILE if config.storage == "file" else StorageType.MEMORY,
        num_replicas=config.replicas,
    )


async def ensure_stream(js: JetStreamContext, config: BusConfig) -> None:
    """Create the stream, or bring an existing one to ``config``'s limits."""
    wanted = stream_config(config)
    try:
        await js.add_stream(wanted)
    except nats.js.errors.BadRequestError:  # exists with other settings
        await js.update_stream(wanted)


def lost(exc: BaseException, what: str) -> BusLostError:
    """A :class:`BusLostError` saying what was going on when ``exc`` ended the connection."""
    if isinstance(exc, BusLostError):
        return exc
    return BusLostError(f"bus connection lost while {what}: {type(exc).__name__}: {exc}")


__all__ = [
    "BusLostError",
    "BusUnavailableError",
    "NatsError",
    "connect",
    "ensure_stream",
    "lost",
    "stream_config",
]
