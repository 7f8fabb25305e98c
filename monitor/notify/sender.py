"""One destination: an in-memory queue mirrored by a spool, drained by a rate-limited,
retrying sender that coalesces queued notices into one message.

``enqueue`` is synchronous and O(1): it never waits for disk or network. A persist step
(run by the worker, and on demand through :meth:`Destination.persist`) fsyncs new notices
to the spool before they are sent and removes them once the platform confirms delivery,
so delivery is at least once across restarts, de-duplicated by :attr:`Notice.key`.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

import aiohttp
import structlog

from monitor.notify.base import Outcome, Platform
from monitor.notify.models import Notice, Status
from monitor.notify.ratelimit import combined_delay, record_all
from monitor.notify.spool import Spool
from monitor.retry import Backoff, Random

log = structlog.get_logger(__name__)

Sleep = Callable[[float], Awaitable[None]]
SPOOL_RETRY_SECONDS = 1.0


@dataclass(slots=True)
class SinkStats:
    """Counters of one sink, read by the metrics collector and the API."""

    sent: int = 0  # notices the platform confirmed
    failed: int = 0  # notices given up (permanent error, too old, spool full)
    attempt_errors: int = 0  # failed attempts that will be retried
    messages: int = 0  # confirmed HTTP messages (one may carry several notices)
    spool_depth: int = 0  # notices waiting for delivery
    spool_errors: int = 0  # failed spool reads or writes (retried until they succeed)
    spool_unwritten: int = 0  # notices queued but not yet durable in the spool
    retry_after_capped: int = 0  # platform waits cut to ``retry_after_max_seconds``
    last_error: str = ""
    last_success_ns: int = 0
    last_attempt_ok: bool | None = None  # None: nothing sent yet


class RetryPolicy(NamedTuple):
    """How a sink retries: delays from ``initial_seconds`` doubling up to ``max_seconds``,
    and giving a notice up once it is ``max_age_seconds`` old."""

    initial_seconds: float = 1.0
    max_seconds: float = 60.0
    max_age_seconds: float = 86_400.0
    retry_after_max_seconds: float = 300.0

    def make_backoff(self, rng: Random) -> Backoff:
        """Return a fresh :class:`~monitor.retry.Backoff` with equal jitter: the n-th delay
        is ``base * (0.5 + 0.5 * u)`` with ``base = min(max, initial * 2**(n - 1))``."""
        initial = min(self.initial_seconds, self.max_seconds)  # the cap wins, as it always did
        return Backoff(initial, self.max_seconds, jitter=0.5, rng=rng)


class Runtime(NamedTuple):
    """Injected seams: session getter, clocks, sleep and jitter source."""

    session: Callable[[], aiohttp.ClientSession]
    wall_ns: Callable[[], int]
    monotonic: Callable[[], float]
    sleep: Sleep
    rng: Callable[[], float]


class Destination:
    """The queue, spool and worker of one configured sink."""

    def __init__(
        self,
        name: str,
        platform: Platform,
        spool: Spool,
        runtime: Runtime,
        *,
        timeout: float = 10.0,
        policy: RetryPolicy | None = None,
        max_pending: int = 1000,
    ) -> None:
        self.name = name
        self.platform = platform
        self.stats = SinkStats()
        self._spool = spool
        self._rt = runtime
        self._timeout = timeout
        self._policy = policy or RetryPolicy()
        self._max_pending = max_pending
        self._pending: deque[Notice] = deque()
        self._hold: dict[str, float] = {}  # key -> monotonic time before which it waits
        self._group: dict[str, Hashable] = {}  # key -> its group (one group per message)
        self._keys: dict[str, int] = {}  # key -> wall time it was queued (for max age)
        self._unspooled: list[Notice] = []
        self._to_remove: list[Notice] = []
        self._wake = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._io_lock = asyncio.Lock()
        self._not_before = 0.0
        self._backoff = self._policy.make_backoff(runtime.rng)
        self._closing = False

    @property
    def pending(self) -> int:
        return len(self._pending)

    def enqueue(
        self, notice: Notice, hold_until: float = 0.0, group: Hashable | None = None
    ) -> bool:
        """Queue ``notice`` (O(1), never blocks); ``False`` once closing.

        ``hold_until`` (monotonic seconds) keeps it from being sent before then, and a
        message carries notices of one ``group`` only (grouping: ``group_wait``,
        ``group_interval``); it is spooled at once all the same.
        """
        if self._closing:
            return False
        if notice.key in self._keys:
            return True
        if hold_until > self._rt.monotonic():
            if notice.status is Status.RESOLVED and self._cancel_held_firing(notice):
                return True  # resolved within group_wait: neither is sent (Alertmanager)
            self._hold[notice.key] = hold_until
        if group is not None:
            self._group[notice.key] = group
        if len(self._pending) >= self._max_pending:
            oldest = self._pending.popleft()
            self._keys.pop(oldest.key, None)
            self._hold.pop(oldest.key, None)
            self._group.pop(oldest.key, None)
            self._to_remove.append(oldest)
            self.stats.failed += 1
            log.error("notify_spool_full_dropped_oldest", sink=self.name, key=oldest.key)
        self._pending.append(notice)
        self._keys[notice.key] = self._rt.wall_ns()
        self._unspooled.append(notice)
        self.stats.spool_depth = len(self._pending)
        self._drained.clear()
        self._wake.set()
        return True

    def _cancel_held_firing(self, resolve: Notice) -> bool:
        """Drop a firing of the same alert still held back; whether there was one."""
        held = [
            n
            for n in self._pending
            if n.fingerprint == resolve.fingerprint
            and n.status is Status.FIRING
            and n.key in self._hold
        ]
        if not held:
            return False
        self._finish(held)
        log.info("notification_resolved_while_held", sink=self.name, key=resolve.key)
        return True

    async def open(self) -> None:
        """Load the spool left by a previous run (its notices are already durable).

        An unreadable spool directory is logged and counted; delivery still works from memory.
        """
        try:
            spooled = await asyncio.to_thread(self._spool.load)
        except OSError as exc:
            self.stats.spool_errors += 1
            log.error("notify_spool_unreadable", sink=self.name, error=type(exc).__name__)
            spooled = []
        for notice, spooled_ns in spooled:
            if notice.key not in self._keys:
                self._pending.append(notice)
                self._keys[notice.key] = spooled_ns
        self.stats.spool_depth = len(self._pending)
        if self._pending:
            self._drained.clear()
            self._wake.set()
            log.info("notify_spool_loaded", sink=self.name, pending=len(self._pending))

    async def persist(self) -> None:
        """Write new notices to the spool and remove finished ones (fsynced).

        On a disk error the work is kept and retried by the next persist (the worker
        retries every ``SPOOL_RETRY_SECONDS`` while any is left), and counted.
        """
        async with self._io_lock:
            write = [n for n in self._unspooled if n.key in self._keys]
            remove = self._to_remove
            self._unspooled, self._to_remove = [], []
            if not write and not remove:
                self.stats.spool_unwritten = 0
                return
            io = asyncio.ensure_future(asyncio.to_thread(self._io, write, remove))
            try:
                try:
                    await asyncio.shield(io)
                except asyncio.CancelledError:
                    # The disk work cannot be taken back: finish it while holding the lock,
                    # so that a later persist (close) sees the spool as it really is.
                    await io
                    raise
            except OSError as exc:
                self.stats.spool_errors += 1
                # Keep the work: written files are rewritten (same name), removals repeated.
                self._unspooled[:0] = write
                self._to_remove[:0] = remove
                log.error("notify_spool_error", sink=self.name, error=type(exc).__name__)
            self.stats.spool_unwritten = len(self._unspooled)

    @property
    def spool_backlog(self) -> bool:
        """Whether spool work (writes or removals) waits for a retry."""
        return bool(self._unspooled or self._to_remove)

    def _io(self, write: list[Notice], remove: list[Notice]) -> None:
        self._spool.write(write)
        self._spool.remove(remove)

    async def wait_drained(self) -> None:
        await self._drained.wait()

    def begin_close(self) -> None:
        """Refuse new notices; the worker keeps sending what is queued (groups released)."""
        self._closing = True
        self._hold.clear()
        self._wake.set()

    async def run(self) -> None:
        """Send queued notices until cancelled."""
        while True:
            await self.persist()
            if not self._pending:
                self.stats.spool_depth = 0
                self._drained.set()
                self._wake.clear()
                if self.spool_backlog:  # a failed removal: retry it after a nap
                    await self._rt.sleep(SPOOL_RETRY_SECONDS)
                    continue
                await self._wake.wait()
                continue
            self._expire()
            now = self._rt.monotonic()
            wait = max(self._not_before - now, combined_delay(self.platform.limits, now))
            if self._hold and not self._ready(now, 1):
                wait = max(wait, min(self._hold.values()) - now)
            if wait > 0:
                # Short naps, so notices queued meanwhile are still spooled promptly.
                await self._rt.sleep(min(wait, 1.0))
                continue
            if self._pending:
                try:
                    await self._send_batch()
                except Exception:  # never let one bad response stop this sink for good
                    log.exception("notification_worker_error", sink=self.name)
                    self.stats.attempt_errors += 1
                    self._not_before = self._rt.monotonic() + self._backoff.next_delay()

    def _expire(self) -> None:
        now = self._rt.wall_ns()
        horizon = now - int(self._policy.max_age_seconds * 1e9)
        while self._pending and self._keys.get(self._pending[0].key, now) < horizon:
            old = self._pending.popleft()
            self._keys.pop(old.key, None)
            self._hold.pop(old.key, None)
            self._group.pop(old.key, None)
            self._to_remove.append(old)
            self.stats.failed += 1
            log.error("notify_gave_up_too_old", sink=self.name, key=old.key)
        self.stats.spool_depth = len(self._pending)

    def _ready(self, now: float, limit: int) -> list[Notice]:
        """Up to ``limit`` queued notices not held back, oldest first, of the first one's
        group (notices without a group travel with any)."""
        if not self._hold and not self._group:
            return list(islice(self._pending, limit))
        out: list[Notice] = []
        group: Hashable | None = None
        for n in self._pending:
            if self._hold.get(n.key, 0.0) > now:
                continue
            tag = self._group.get(n.key)
            if out and tag != group:
                continue
            group = tag
            out.append(n)
            if len(out) == limit:
                break
        return out

    async def _send_batch(self) -> None:
        batch = self._ready(self._rt.monotonic(), self.platform.max_batch)
        if not batch:
            return
        try:
            request = self.platform.build(batch, self._rt.wall_ns())
        except Exception:  # a rendering bug must not block the queue forever
            log.exception("notification_render_failed", sink=self.name, notices=len(batch))
            self._finish(batch)
            self.stats.failed += len(batch)
            self.stats.last_error = "render failed"
            return
        carried = batch[: request.count or len(batch)]
        outcome = await self._post(request.url, request.body, request.headers)
        now = self._rt.monotonic()
        record_all(self.platform.limits, now)
        if outcome.ok:
            self._finish(carried)
            self.stats.sent += len(carried)
            self.stats.messages += 1
            self.stats.last_success_ns = self._rt.wall_ns()
            self.stats.last_attempt_ok = True
            self._backoff.reset()
            self._not_before = now + self._capped(outcome.pause_after or 0.0)
            log.info("notification_sent", sink=self.name, notices=len(carried))
        elif outcome.retryable:
            self.stats.attempt_errors += 1
            self.stats.last_error = outcome.reason
            self.stats.last_attempt_ok = False
            delay = self._backoff.next_delay()  # counts even if the platform sets the wait
            if outcome.retry_after is not None:
                delay = self._capped(outcome.retry_after)
            self._not_before = now + delay
            log.warning(
                "notification_retry",
                sink=self.name,
                reason=outcome.reason,
                attempt=self._backoff.attempt,
                delay_seconds=round(delay, 3),
                pending=len(self._pending),
            )
        else:
            self._finish(carried)
            self.stats.failed += len(carried)
            self.stats.last_error = outcome.reason
            self.stats.last_attempt_ok = False
            self._backoff.reset()
            log.error("notification_failed", sink=self.name, reason=outcome.reason)

    def _capped(self, wait: float) -> float:
        """A platform-requested wait, cut to ``retry_after_max_seconds`` (and counted)."""
        cap = self._policy.retry_after_max_seconds
        if wait <= cap:
            return wait
        self.stats.retry_after_capped += 1
        log.warning("notification_retry_after_capped", sink=self.name, asked=wait, cap=cap)
        return cap

    def _finish(self, batch: list[Notice]) -> None:
        done = {n.key for n in batch}
        while self._pending and self._pending[0].key in done:
            self._keys.pop(self._pending.popleft().key, None)
        if any(n.key in done for n in self._pending):  # held notices were passed over
            self._pending = deque(n for n in self._pending if n.key not in done)
        for key in done:
            self._keys.pop(key, None)
            self._hold.pop(key, None)
            self._group.pop(key, None)
        self._to_remove.extend(batch)
        self.stats.spool_depth = len(self._pending)

    async def _post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        try:
            async with asyncio.timeout(self._timeout):
                async with self._rt.session().post(
                    url, data=body, headers=headers, allow_redirects=False
                ) as resp:
                    data = await resp.read()
                    return self.platform.judge(resp.status, resp.headers, data)
        except TimeoutError:
            return Outcome(ok=False, reason="timeout")
        except aiohttp.ClientError as exc:
            # The exception text may contain the URL (a secret): log only its class.
            return Outcome(ok=False, reason=type(exc).__name__)

    async def send_once(self, notices: list[Notice]) -> Outcome:
        """Send ``notices`` now, bypassing queue, limits and spool (for ``test-alert``)."""
        request = self.platform.build(notices, self._rt.wall_ns())
        outcome = await self._post(request.url, request.body, request.headers)
        if outcome.ok:
            self.stats.sent += request.count or len(notices)
            self.stats.messages += 1
        return outcome
