"""The gateway's publisher: normalized events and feed health -> the JetStream stream.

:meth:`BusPublisher.offer` is the feeds' sink: it appends to a bounded deque and never
blocks or fails (a full queue drops the event and counts it). :meth:`BusPublisher.run` is
the supervised task: it connects, makes sure the stream exists, and every
``flush_interval_seconds`` (or as soon as a batch is waiting) packs the queued events of
each feed and instrument into messages of at most ``batch_events`` and publishes them
without waiting for each acknowledgement (at most ``max_pending_acks`` in flight). An
acknowledged message counts as published, a refused or unanswered one as failed; events
whose publish had not started when the connection dropped go back to the queue. Each
feed's health is published when it changes and every ``heartbeat_seconds``. While the bus
is away the queue keeps the newest events it can hold, and the publisher reconnects
with a capped, jittered backoff.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from nats.aio.client import Client
from nats.js import JetStreamContext

from monitor.bus.connection import (
    BusUnavailableError,
    NatsError,
    connect_bus,
    display_url,
    ensure_stream,
    lost,
)
from monitor.bus.encoding import HealthNote, encode_events, encode_health
from monitor.bus.subjects import health_subject, tick_subject
from monitor.core.events import Event
from monitor.retry import Backoff
from monitor.settings.bus import BusConfig

log = structlog.get_logger(__name__)

MAX_EVENTS_PER_ROUND = 20_000
"""Events packed per round before the loop yields (keeps the event loop responsive)."""


@dataclass(slots=True)
class PublisherStats:
    """Counters read by the metrics collector at scrape time."""

    offered: int = 0
    dropped: int = 0  # the queue was full
    published_events: int = 0  # acknowledged by the server
    published_messages: int = 0
    failed_events: int = 0  # publish refused, unanswered or cut off
    failed_messages: int = 0
    health_notes: int = 0
    connects: int = 0
    disconnects: int = 0


STOPPED = "stopped"  # the feed state a stopping gateway announces (FeedState.STOPPED)


class _State(Protocol):
    @property
    def value(self) -> str: ...


class SourceHealth(Protocol):
    """What the publisher reads of a feed's health (``monitor.feeds.base.FeedHealth``)."""

    @property
    def name(self) -> str: ...
    @property
    def state(self) -> _State: ...
    @property
    def reason(self) -> str: ...
    @property
    def messages_total(self) -> int: ...


class BusPublisher:
    """Publishes every offered event and the feeds' health; nothing starts in the constructor."""

    def __init__(
        self,
        config: BusConfig,
        health: Callable[[], Sequence[SourceHealth]] = tuple,
        clock: Callable[[], int] = time.time_ns,
        name: str = "dlmon-gateway",
    ) -> None:
        self.config = config
        self.stats = PublisherStats()
        self.connected = False
        self.reason = "not connected yet"
        self._health = health
        self._clock = clock
        self._name = name
        self._queue: deque[Event] = deque()
        self._limit = config.queue_size
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._sent: dict[str, tuple[str, str, int]] = {}  # feed -> (state, reason, at)
        self._js: JetStreamContext | None = None
        self._inflight: set[asyncio.Future[Any]] = set()  # publishes awaiting their ack
        self._stopping: str | None = None  # the reason stated for every feed at shutdown

    @property
    def queued(self) -> int:
        return len(self._queue)

    @property
    def pending_acks(self) -> int:
        return len(self._inflight)

    def offer(self, event: Event) -> None:
        """Queue ``event`` for publishing; drop and count it if the queue is full."""
        self.stats.offered += 1
        queue = self._queue
        if len(queue) >= self._limit:
            self.stats.dropped += 1
            return
        queue.append(event)
        if len(queue) >= self.config.batch_events:
            self._wake.set()

    async def drain(self, within: float, stopping: str | None = None) -> None:
        """Wait up to ``within`` seconds for the queue to be sent and acknowledged; with
        ``stopping``, first state every feed ``stopped`` with that reason (consumers need
        not wait for the silence)."""
        self._stopping = stopping
        js = self._js
        if not self.connected or js is None:
            return
        self._drained.clear()
        self._wake.set()
        try:
            async with asyncio.timeout(within):
                await self._drained.wait()
                await js.publish_async_completed()
        except TimeoutError:
            log.warning("bus_drain_incomplete", queued=self.queued, pending=self.pending_acks)

    async def run(self) -> None:
        """Connect, publish, reconnect with backoff; until cancelled."""
        backoff = Backoff(0.2, 5.0, jitter=0.5, healthy_after=10.0)
        while True:
            try:
                client = await connect_bus(self.config, self._name)
            except ConnectionError as exc:
                self.reason = str(exc)
            else:
                backoff.running()
                await self._session(client)
            await asyncio.sleep(backoff.next_delay())

    async def _session(self, client: Client) -> None:
        try:
            js = client.jetstream(publish_async_max_pending=self.config.max_pending_acks)
            await ensure_stream(js, self.config)
            self._js, self.connected, self.reason = js, True, ""
            self.stats.connects += 1
            log.info("bus_connected", url=display_url(self.config.url), stream=self.config.stream)
            await self._pump(client, js)
        except (NatsError, ConnectionError, TimeoutError) as exc:
            unusable = isinstance(exc, BusUnavailableError)  # e.g. the stream cannot be made
            self.reason = str(exc) if unusable else str(lost(exc, "publishing"))
            log.warning("bus_disconnected", reason=self.reason)
        finally:
            if self.connected:
                self.stats.disconnects += 1
            self.connected = False
            self._sent.clear()  # state every feed afresh after a reconnect
            for future in list(self._inflight):  # never acknowledged now: count as failed
                future.cancel()
            await _close(client)

    async def _pump(self, client: Client, js: JetStreamContext) -> None:
        interval = self.config.flush_interval_seconds
        while True:
            if client.is_closed or not client.is_connected:
                raise lost(ConnectionError("closed"), "publishing")
            await self._publish_health(js)
            while self._queue:
                await self._publish_events(js)
                await asyncio.sleep(0)
            self._drained.set()
            try:
                await asyncio.wait_for(self._wake.wait(), interval)
            except TimeoutError:
                pass
            self._wake.clear()

    async def _publish_events(self, js: JetStreamContext) -> None:
        queue = self._queue
        groups: dict[tuple[str, str], list[Event]] = {}
        for _ in range(min(len(queue), MAX_EVENTS_PER_ROUND)):
            event = queue.popleft()
            key = (event.source, event.instrument)
            group = groups.get(key)
            if group is None:
                groups[key] = group = []
            group.append(event)
        prefix, size = self.config.subject_prefix, self.config.batch_events
        chunks = [
            (tick_subject(prefix, feed, instrument), events[start : start + size])
            for (feed, instrument), events in groups.items()
            for start in range(0, len(events), size)
        ]
        for sent, (subject, chunk) in enumerate(chunks):
            try:
                await self._send(js, subject, encode_events(chunk), len(chunk))
            except BaseException:
                self._requeue([e for _, c in chunks[sent:] for e in c])
                raise

    def _requeue(self, events: list[Event]) -> None:
        """Put events whose publish never started back at the head of the queue (each
        instrument keeps its order); what no longer fits is dropped and counted."""
        room = max(self._limit - len(self._queue), 0)
        self.stats.dropped += max(len(events) - room, 0)
        self._queue.extendleft(reversed(events[:room]))

    async def _send(self, js: JetStreamContext, subject: str, payload: bytes, n: int) -> None:
        future = await js.publish_async(subject, payload)
        self._inflight.add(future)
        future.add_done_callback(lambda f: self._acked(f, n))

    def _acked(self, future: asyncio.Future[Any], n: int) -> None:
        self._inflight.discard(future)
        if future.cancelled() or future.exception() is not None:
            self.stats.failed_events += n
            self.stats.failed_messages += 1
        else:
            self.stats.published_events += n
            self.stats.published_messages += 1

    async def _publish_health(self, js: JetStreamContext) -> None:
        now = self._clock()
        beat = int(self.config.heartbeat_seconds * 1e9)
        for health in self._health():
            state, reason = health.state.value, health.reason
            if self._stopping is not None:
                state, reason = STOPPED, self._stopping
            sent = self._sent.get(health.name)
            if sent is not None and sent[:2] == (state, reason) and now - sent[2] < beat:
                continue
            note = HealthNote(health.name, state, reason, now, health.messages_total)
            subject = health_subject(self.config.subject_prefix, health.name)
            await js.publish_async(subject, encode_health(note))
            self._sent[health.name] = (state, reason, now)
            self.stats.health_notes += 1


async def _close(client: Client) -> None:
    try:
        await client.close()
    except (NatsError, OSError, TimeoutError):
        pass


__all__ = ["BusPublisher", "PublisherStats"]
