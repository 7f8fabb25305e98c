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
import re
from pathlib import Path

import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from pydantic import SecretStr

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


def display_url(url: str) -> str:
    """``url`` without any user or password (for messages and logs)."""
    return ",".join(_USERINFO.sub("://", u.strip()) for u in url.split(","))


_USERINFO = re.compile(r"://[^/@]*@")


async def connect(
    url: str,
    name: str,
    connect_timeout: float,
    *,
    token: SecretStr | None = None,
    user_credentials: Path | None = None,
) -> Client:
    """An open connection to the servers in ``url`` (comma-separated), or BusUnavailableError.

    ``token`` or a NATS credentials file (``user_credentials``: JWT and NKey seed)
    authenticate; a user and password may also be given in the URL. None of them appears
    in a message.
    """
    servers = [u.strip() for u in url.split(",") if u.strip()]
    client = Client()
    try:
        # max_reconnect_attempts=1 with no wait: each server is tried (at most twice), then
        # NoServersError; 0 would make nats-py try the pool forever.
        async with asyncio.timeout(2 * len(servers) * connect_timeout + 1):
            await client.connect(
                servers=servers,
                name=name,
                connect_timeout=max(1, round(connect_timeout)),
                allow_reconnect=False,
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                ping_interval=PING_INTERVAL_SECONDS,
                max_outstanding_pings=MAX_OUTSTANDING_PINGS,
                error_cb=_quiet,
                token=token.get_secret_value() if token is not None else None,
                user_credentials=str(user_credentials) if user_credentials else None,
            )
    except (NatsError, OSError, TimeoutError) as exc:
        await _abandon(client)  # a refused handshake leaves the socket open otherwise
        shown = display_url(url)
        raise BusUnavailableError(f"bus {shown} unreachable: {type(exc).__name__}") from exc
    return client


async def _abandon(client: Client) -> None:
    try:
        await client.close()
    except (NatsError, OSError, TimeoutError):
        pass


async def connect_bus(config: BusConfig, name: str) -> Client:
    """:func:`connect` with the ``bus:`` section's URL, timeout and credentials."""
    return await connect(config.url, name, config.connect_timeout_seconds, token=config.token,
                         user_credentials=config.user_credentials)  # fmt: skip


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
        try:
            await js.add_stream(wanted)
        except nats.js.errors.BadRequestError:  # exists with other settings
            await js.update_stream(wanted)
    except nats.js.errors.APIError as exc:  # e.g. its subjects overlap another stream's
        raise BusUnavailableError(
            f"stream {config.stream} cannot be created or updated: {exc.description}"
        ) from None


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
    "connect_bus",
    "display_url",
    "ensure_stream",
    "lost",
    "stream_config",
]
