"""The recorder: accepted events -> bounded queue -> batches written in a worker thread.

:meth:`Recorder.offer` is an engine listener on the hot path: it appends to a bounded
deque and never blocks (a full queue drops the event and counts it). :meth:`Recorder.run`
is the supervised writer task: every ``flush_interval_seconds``, or as soon as a batch is
queued, it hands the queued events to :class:`RotatingTickStore` through
``asyncio.to_thread``, so the event loop never waits on the disk. :meth:`Recorder.close`
writes what is left and closes the file.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

import structlog

from monitor.core.events import Event
from monitor.recorder.files import RotatingTickStore
from monitor.settings.recorder import RecorderConfig

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class RecorderStats:
    """Counters of the queue side (the store keeps its own)."""

    offered: int = 0
    dropped: int = 0  # queue full, or lost in a failed write
    write_errors: int = 0
    batches: int = 0


class Recorder:
    """Records every event it is offered; nothing starts in the constructor."""

    def __init__(self, config: RecorderConfig, store: RotatingTickStore | None = None) -> None:
        self.config = config
        self.store = store or RotatingTickStore(config)
        self.stats = RecorderStats()
        self._queue: deque[Event] = deque()
        self._limit = config.queue_size
        self._batch = config.batch_size
        self._wake = asyncio.Event()  # binds to no loop until first awaited
        self._inflight: asyncio.Future[None] | None = None
        self._closed = False

    @property
    def queued(self) -> int:
        return len(self._queue)

    def offer(self, event: Event) -> None:
        """Queue ``event`` for writing; drop and count it if the queue is full. Never blocks."""
        self.stats.offered += 1
        queue = self._queue
        if len(queue) >= self._limit or self._closed:
            self.stats.dropped += 1
            return
        queue.append(event)
        if len(queue) >= self._batch:
            self._wake.set()

    async def run(self) -> None:
        """Write queued events until cancelled (the supervised writer task)."""
        wake = self._wake
        interval = self.config.flush_interval_seconds
        while True:
            try:
                await asyncio.wait_for(wake.wait(), interval)
            except TimeoutError:
                pass
            wake.clear()
            await self.drain()

    async def drain(self) -> None:
        """Write everything queued now, in batches, each in a worker thread."""
        await self._settle()
        while self._queue:
            batch = self._take()
            # Shielded: a cancelled writer task leaves the thread's write to finish, and
            # close() waits for it, so no batch is lost or reordered at shutdown.
            self._inflight = asyncio.ensure_future(asyncio.to_thread(self.store.write, batch))
            try:
                await asyncio.shield(self._inflight)
            except OSError as exc:
                self.stats.write_errors += 1
                self.stats.dropped += len(batch)
                log.error("recorder_write_failed", error=str(exc), events_lost=len(batch))
                await self._close_store()  # the next batch starts a new file
                return
            self.stats.batches += 1

    async def close(self) -> None:
        """Write what is left, then close the current file. Safe to call twice."""
        if self._closed:
            return
        await self.drain()
        self._closed = True
        await self._close_store()
        log.info(
            "recorder_closed",
            rows_written=self.store.stats.rows_written,
            dropped=self.stats.dropped,
        )

    async def _settle(self) -> None:
        inflight, self._inflight = self._inflight, None
        if inflight is not None and not inflight.done():
            try:
                await inflight
            except OSError as exc:
                self.stats.write_errors += 1
                log.error("recorder_write_failed", error=str(exc))

    async def _close_store(self) -> None:
        try:
            await asyncio.to_thread(self.store.close)
        except OSError as exc:
            self.stats.write_errors += 1
            log.error("recorder_close_failed", error=str(exc))

    def _take(self) -> list[Event]:
        queue, n = self._queue, min(self._batch, len(self._queue))
        return [queue.popleft() for _ in range(n)]


__all__ = ["Recorder", "RecorderStats"]
