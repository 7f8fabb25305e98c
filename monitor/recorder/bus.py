"""``dlmon record``: the tick bus to files as a durable consumer, losing and repeating nothing.

:class:`BusRecorder` reads the stream's ``<prefix>.ticks.>`` subjects through the durable
pull consumer ``bus.recorder_durable`` (acknowledge-all policy). For each batch it writes
the events in a worker thread (:class:`~monitor.recorder.journal.BusJournal`: write,
sync, checkpoint) and only then acknowledges the batch's last message. A message the
server delivers again (the recorder died between checkpoint and acknowledgement) has a
sequence at or below the checkpoint and is acknowledged without being written again; a
crash before the checkpoint is cut back at start-up. At every (re)connection the durable
consumer is re-created to start right after the checkpoint, so the journal, not the
server's acknowledgement floor, says where recording resumes. The
connection is retried with a capped, jittered backoff.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import nats.errors
import structlog
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from monitor.bus.connection import BusUnavailableError, NatsError, connect_bus, lost
from monitor.bus.encoding import BusFormatError, HealthNote, decode
from monitor.core.events import Event
from monitor.errors import ConfigError
from monitor.recorder.journal import BusJournal
from monitor.retry import Backoff
from monitor.settings.root import Settings

log = structlog.get_logger(__name__)

FETCH_BATCH = 1_000
FETCH_WAIT_SECONDS = 0.5
ACK_WAIT_SECONDS = 30.0


@dataclass(slots=True)
class BusRecorderStats:
    messages: int = 0
    events: int = 0
    repeats_skipped: int = 0  # delivered again, already on disk
    malformed: int = 0
    batches: int = 0


class BusRecorder:
    """Durable consumer -> journal; nothing starts in the constructor."""

    def __init__(self, settings: Settings) -> None:
        if settings.recorder.format != "csv":
            raise ConfigError("recorder.format: dlmon record writes csv (parquet is buffered)")
        self.bus = settings.bus
        self.journal = BusJournal(settings.recorder)
        self.stats = BusRecorderStats()
        self.connected = False

    async def run(self) -> None:
        """Recover the journal, then consume until cancelled."""
        last = await asyncio.to_thread(self.journal.recover)
        log.info("recorder_resumes", after_seq=last, directory=str(self.journal.directory))
        backoff = Backoff(0.2, 5.0, jitter=0.5, healthy_after=10.0)
        try:
            while True:
                try:
                    client = await connect_bus(self.bus, "dlmon-recorder")
                    backoff.running()
                    await self._session(client)
                except ConnectionError as exc:
                    log.warning("recorder_bus_unavailable", reason=str(exc))
                self.connected = False
                await asyncio.sleep(backoff.next_delay())
        finally:
            await asyncio.to_thread(self.journal.close)

    async def _session(self, client: Client) -> None:
        try:
            js = client.jetstream()
            sub = await self._subscribe(js)
            self.connected = True
            while True:
                try:
                    messages = await sub.fetch(FETCH_BATCH, timeout=FETCH_WAIT_SECONDS)
                except nats.errors.TimeoutError:
                    messages = []
                if client.is_closed or not client.is_connected:
                    raise lost(ConnectionError("closed"), "recording")
                if messages:
                    await self._record(messages)
        except NatsError as exc:
            raise lost(exc, "recording") from exc
        finally:
            try:
                await client.close()
            except (NatsError, OSError, TimeoutError):
                pass

    async def _subscribe(self, js: JetStreamContext) -> JetStreamContext.PullSubscription:
        """(Re)create the durable consumer at the journal's position and bind to it.

        Messages a previous run fetched but never wrote are still unacknowledged and
        would only come back after the acknowledgement wait, out of order; the next
        acknowledgement of the ack-all policy would even cover them. So the journal's
        checkpoint is the position, and the consumer starts right after it.
        """
        stream, durable = self.bus.stream, self.bus.recorder_durable
        after = self.journal.last_seq
        config = ConsumerConfig(
            durable_name=durable,
            filter_subject=f"{self.bus.subject_prefix}.ticks.>",
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE if after else DeliverPolicy.ALL,
            opt_start_seq=after + 1 if after else None,
            ack_policy=AckPolicy.ALL,
            ack_wait=ACK_WAIT_SECONDS,
            max_ack_pending=-1,
        )
        try:
            try:
                await js.delete_consumer(stream, durable)
            except nats.js.errors.NotFoundError:
                pass
            await js.add_consumer(stream, config)
        except nats.js.errors.NotFoundError:
            raise BusUnavailableError(f"stream {stream} not found") from None
        return await js.pull_subscribe_bind(durable=durable, stream=stream)

    async def _record(self, messages: list[Msg]) -> None:
        events: list[Event] = []
        first = last = 0
        for message in messages:
            seq = message.metadata.sequence.stream
            self.stats.messages += 1
            if seq <= self.journal.last_seq:
                self.stats.repeats_skipped += 1
                continue
            try:
                decoded = decode(message.data)
            except BusFormatError as exc:
                self.stats.malformed += 1
                log.error("recorder_malformed_message", seq=seq, error=str(exc))
                decoded = []
            if isinstance(decoded, HealthNote):
                continue
            events.extend(decoded)
            first, last = first or seq, seq
        if last:
            await asyncio.to_thread(self.journal.write, events, first, last)
            self.stats.events += len(events)
            self.stats.batches += 1
        await messages[-1].ack()  # acknowledges every message up to it (ack-all policy)


__all__ = ["BusRecorder", "BusRecorderStats"]
