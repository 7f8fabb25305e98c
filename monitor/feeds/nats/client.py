"""The bus feed: one gateway feed's events from the JetStream stream, with its health.

Each session connects, creates an ephemeral pull consumer filtered to the subjects of
this feed's instruments and of the gateway feed's health, and reads in batches. It starts
from the last message of each subject the first time (the current book and health at
once) and from the next stream sequence after a reconnect, so nothing published while the
bus connection was down is skipped. Events keep the gateway's timestamps and take this
feed's name as source. The feed is up only while connected, the gateway's last health
note says its feed streams, and that note is younger than ``gateway_silence_seconds``;
otherwise it is in backoff with the reason, and it tells the core (``source_down``), which
treats its legs as stale at once and prefers the instruments' other sources.

:meth:`NatsFeed.warm_up` replays the last ``warmup_seconds`` of the stream before the
daemon's clock starts, moving the engine on as events cross seconds (as a replay does),
and the live sessions then continue from the next sequence.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import nats.errors
import nats.js.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from monitor.bus.connection import (
    BusUnavailableError,
    NatsError,
    connect,
    display_url,
    lost,
)
from monitor.bus.encoding import BusFormatError, HealthNote, decode
from monitor.bus.subjects import health_subject, tick_subject
from monitor.core.events import NS_PER_SECOND, Event
from monitor.feeds.base import FeedContext, FeedSpec, FeedState
from monitor.feeds.nats.config import NatsOptions
from monitor.feeds.streaming import ReconnectLoop, StreamingCallback, venue_open

log = structlog.get_logger(__name__)

Advance = Callable[[int], None]

MESSAGES_PER_YIELD = 16
"""Bus messages (up to ``batch_events`` events each) applied between two yields."""


class NatsFeed:
    """Consumes ``options.source``'s events for ``spec.instruments`` from the bus."""

    def __init__(self, spec: FeedSpec, options: NatsOptions, ctx: FeedContext) -> None:
        self.name = spec.name
        self.health = ctx.health
        self.options = options
        self.source = options.source or spec.name
        self._ctx = ctx
        self._instruments = frozenset(spec.instruments)
        prefix = options.subject_prefix
        self.subjects = [tick_subject(prefix, self.source, i) for i in sorted(self._instruments)]
        self.subjects.append(health_subject(prefix, self.source))
        self.next_seq = 0  # next stream sequence to read; 0 until the first message
        self.upstream: HealthNote | None = None
        self.warmed_events = 0
        self._down = False  # as last reported to the core
        self._silence_ns = int(options.gateway_silence_seconds * NS_PER_SECOND)
        self._loop = ReconnectLoop(
            ctx.health, options.connection, in_session=venue_open(ctx, spec.instruments)
        )

    async def run(self) -> None:
        await self._loop.run(self._session)

    # ------------------------------------------------------------------ live
    async def _session(self, streaming: StreamingCallback) -> None:
        try:
            client = await self._connect(f"dlmon-{self.name}")
        except BaseException:
            self._report_down(True)  # e.g. the bus went away right after the warm-up
            raise
        try:
            js = client.jetstream()
            sub = await self._subscribe(js, self._live_config())
            streaming()
            self.judge()
            await self._consume(client, sub)
        except NatsError as exc:
            raise lost(exc, f"consuming {self.options.stream}") from exc
        finally:
            self._report_down(True)  # no more data until the next session judges
            await _close(client)

    async def _connect(self, name: str) -> Client:
        o = self.options
        return await connect(o.url, name, o.connect_timeout_seconds, token=o.token,
                             user_credentials=o.user_credentials)  # fmt: skip

    def _live_config(self) -> ConsumerConfig:
        if self.next_seq:
            return self._consumer(DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=self.next_seq)
        return self._consumer(DeliverPolicy.LAST_PER_SUBJECT)

    def _consumer(self, policy: DeliverPolicy, **start: object) -> ConsumerConfig:
        return ConsumerConfig(
            filter_subjects=list(self.subjects),
            deliver_policy=policy,
            ack_policy=AckPolicy.NONE,
            inactive_threshold=self.options.consumer_inactive_seconds,
            **start,  # type: ignore[arg-type]
        )

    async def _subscribe(
        self, js: JetStreamContext, config: ConsumerConfig
    ) -> JetStreamContext.PullSubscription:
        try:
            return await js.pull_subscribe(
                self.subjects[0], stream=self.options.stream, config=config
            )
        except nats.js.errors.NotFoundError:
            raise BusUnavailableError(
                f"stream {self.options.stream} not found on {display_url(self.options.url)}"
                " (has a gateway run yet?)"
            ) from None

    async def _consume(self, client: Client, sub: JetStreamContext.PullSubscription) -> None:
        batch, wait = self.options.fetch_batch, self.options.fetch_wait_seconds
        while True:
            try:
                messages = await sub.fetch(batch, timeout=wait)
            except nats.errors.TimeoutError:
                messages = []
            if client.is_closed or not client.is_connected:
                raise lost(ConnectionError("closed"), f"consuming {self.options.stream}")
            for i, message in enumerate(messages, start=1):
                self.on_message(message, None)
                if i % MESSAGES_PER_YIELD == 0:  # a backlog must not hold the loop
                    await asyncio.sleep(0)
            self.judge()

    def judge(self) -> None:
        """Set the feed's state from the gateway's last health note and its age."""
        note, now = self.upstream, self._ctx.clock()
        if note is None:
            state, reason = FeedState.BACKOFF, f"no health note from gateway feed {self.source}"
        elif now - note.ts_ns > self._silence_ns:
            silent = (now - note.ts_ns) // NS_PER_SECOND
            state, reason = FeedState.BACKOFF, f"gateway silent for {silent}s ({self.source})"
        elif not note.up:
            detail = f": {note.reason}" if note.reason else ""
            state, reason = FeedState.BACKOFF, f"gateway feed {self.source} is {note.state}{detail}"
        else:
            state, reason = FeedState.STREAMING, ""
        if (self.health.state, self.health.reason) != (state, reason):
            self.health.set_state(state, reason)
        self._report_down(state is not FeedState.STREAMING)

    def _report_down(self, down: bool) -> None:
        if down != self._down:
            self._down = down
            self._ctx.source_down(self.name, down)

    def on_message(self, message: Msg, advance: Advance | None) -> None:
        """Apply one bus message (events to the sink, or a health note).

        Live (no ``advance``), the ingest latency runs from the gateway's receipt of the
        batch's last event (its ``ts_recv``, wall clock) to the state: the bus included.
        """
        self.next_seq = message.metadata.sequence.stream + 1
        try:
            decoded = decode(message.data)
        except BusFormatError:
            self.health.count_error("parse")
            return
        if isinstance(decoded, HealthNote):
            if self.upstream is None or decoded.ts_ns >= self.upstream.ts_ns:
                self.upstream = decoded
            return
        self._emit(decoded, advance)
        if advance is None and decoded:
            delay = self._ctx.clock() - decoded[-1].ts_recv
            self.health.ingest_latency.observe_ns(max(delay, 0))

    def _emit(self, events: list[Event], advance: Advance | None) -> None:
        wanted, name, sink, health = self._instruments, self.name, self._ctx.sink, self.health
        second = -1
        for event in events:
            if event.instrument not in wanted:
                health.count_error("skipped_instrument")
                continue
            if advance is not None and event.ts_recv // NS_PER_SECOND > second:
                second = event.ts_recv // NS_PER_SECOND
                advance(event.ts_recv)
            event.source = name
            health.messages_total += 1
            sink(event)
        health.last_message_ns = self._ctx.clock()

    # ------------------------------------------------------------------ warm-up
    async def warm_up(self, advance: Advance) -> int:
        """Replay the last ``warmup_seconds`` into the sink, calling ``advance`` as events
        cross seconds; return the events replayed (0 when off or the bus is away)."""
        if self.options.warmup_seconds <= 0:
            return 0
        try:
            await asyncio.wait_for(self._warm(advance), self.options.warmup_timeout_seconds)
        except (ConnectionError, TimeoutError, NatsError) as exc:
            log.warning("warm_up_incomplete", feed=self.name, reason=str(exc))
        log.info("warm_up_done", feed=self.name, events=self.warmed_events, next=self.next_seq)
        return self.warmed_events

    async def _warm(self, advance: Advance) -> None:
        client = await self._connect(f"dlmon-{self.name}-warmup")
        try:
            js = client.jetstream()
            last = (await js.stream_info(self.options.stream)).state.last_seq
            start_ns = self._ctx.clock() - int(self.options.warmup_seconds * NS_PER_SECOND)
            since = datetime.fromtimestamp(start_ns / NS_PER_SECOND, tz=UTC)
            config = self._consumer(DeliverPolicy.BY_START_TIME, opt_start_time=since)
            sub = await self._subscribe(js, config)
            pending = (await sub.consumer_info()).num_pending
            counted = self.health.messages_total
            while pending and self.next_seq <= last:
                fetched = await sub.fetch(self.options.fetch_batch, timeout=2.0)
                for i, message in enumerate(fetched, start=1):
                    self.on_message(message, advance)
                    pending = message.metadata.num_pending
                    if i % MESSAGES_PER_YIELD == 0:
                        await asyncio.sleep(0)
            self.warmed_events = self.health.messages_total - counted
            self.next_seq = max(self.next_seq, last + 1)
        except nats.js.errors.NotFoundError:
            raise BusUnavailableError(f"stream {self.options.stream} not found") from None
        finally:
            await _close(client)


async def _close(client: Client) -> None:
    try:
        await client.close()
    except (NatsError, OSError, TimeoutError):
        pass


__all__ = ["NatsFeed"]
