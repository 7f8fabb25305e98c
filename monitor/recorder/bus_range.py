"""A time range of the tick bus as a tick file, for ``dlmon replay --bus``.

:func:`read_range` reads the stream from ``since`` (by the time the server stored each
message) with a temporary ordered consumer and keeps the events received (``ts_recv``)
within ``since``..``until``, reading to the end of the stream as it was when it began
(an event is stored after it was received, so nothing of the range is before ``since``;
the stored time of a message says little about the receive times of a backlog that a
gateway sends after a bus outage, so the whole rest is read). :func:`write_ticks` writes
them in the recorded tick format, which the replay then reads like any other file.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nats.js.errors
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from monitor.bus.connection import BusUnavailableError, NatsError, connect, lost
from monitor.bus.encoding import BusFormatError, decode
from monitor.core.events import NS_PER_SECOND, Event
from monitor.recorder.format import COLUMNS, csv_cells, event_row

FETCH_BATCH = 1_000


@dataclass(frozen=True, slots=True)
class BusRange:
    """Which part of which stream to read."""

    url: str
    stream: str = "DLMON"
    subject_prefix: str = "dlmon"
    since_ns: int = 0
    until_ns: int | None = None


async def read_range(wanted: BusRange) -> list[Event]:
    """The events of ``wanted``'s range, in stream order (BusUnavailableError if unreachable)."""
    client = await connect(wanted.url, "dlmon-replay", 2.0)
    try:
        js = client.jetstream()
        config = ConsumerConfig(
            filter_subject=f"{wanted.subject_prefix}.ticks.>",
            deliver_policy=DeliverPolicy.BY_START_TIME,
            opt_start_time=datetime.fromtimestamp(wanted.since_ns / NS_PER_SECOND, tz=UTC),
            ack_policy=AckPolicy.NONE,
            inactive_threshold=30.0,
        )
        try:
            sub = await js.pull_subscribe(config.filter_subject or "", stream=wanted.stream,
                                          config=config)  # fmt: skip
        except nats.js.errors.NotFoundError:
            raise BusUnavailableError(f"stream {wanted.stream} not found") from None
        pending = (await sub.consumer_info()).num_pending
        until = wanted.until_ns if wanted.until_ns is not None else 2**63
        events: list[Event] = []
        while pending:
            for message in await sub.fetch(FETCH_BATCH, timeout=5.0):
                pending = message.metadata.num_pending
                try:
                    decoded = decode(message.data)
                except BusFormatError:
                    continue
                if isinstance(decoded, list):
                    events.extend(e for e in decoded if wanted.since_ns <= e.ts_recv <= until)
        return events
    except (NatsError, TimeoutError) as exc:
        raise lost(exc, f"reading {wanted.stream}") from exc
    finally:
        try:
            await client.close()
        except (NatsError, OSError):
            pass


def write_ticks(events: list[Event], path: Path) -> None:
    """Write ``events`` as a recorded tick file (CSV)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(csv_cells(event_row(e)) for e in events)


__all__ = ["BusRange", "read_range", "write_ticks"]
