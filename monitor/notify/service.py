"""The notification service: routing alerts to sinks and running one worker per sink."""

from __future__ import annotations

import asyncio
import enum
import random
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp
import structlog

from monitor.notify.base import Outcome, Platform
from monitor.notify.grouping import Groups, group_key
from monitor.notify.models import Notice, Status, severity_rank
from monitor.notify.sender import Destination, RetryPolicy, Runtime, SinkStats
from monitor.notify.spool import Spool
from monitor.settings.notify import AlertmanagerSink, NotifyConfig, SinkConfig, sink_types

if TYPE_CHECKING:  # imported when a sink is configured: none in the built-in config
    from monitor.notify.alertmanager import AlertmanagerClient

log = structlog.get_logger(__name__)


def route_labels(notice: Notice) -> dict[str, str]:
    """The labels route matchers see: the notice's labels, ``alertname`` and ``rule``,
    ``pair``, ``severity`` and ``subject``."""
    subject = notice.annotations.get("subject", notice.pair)
    base = {"alertname": notice.rule, "rule": notice.rule, "pair": notice.pair}
    return {**notice.labels, **base, "severity": notice.severity, "subject": subject}


def iso(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, tz=UTC).isoformat(timespec="milliseconds")


class ServiceState(enum.Enum):
    NEW = "new"
    RUNNING = "running"
    CLOSED = "closed"


class NotifyService:
    """Route notices to sinks and deliver them; see :mod:`monitor.notify.sender`.

    The constructor opens nothing; :meth:`start` loads the spools and starts the workers,
    :meth:`close` drains with a deadline and leaves whatever is left in the spool.
    """

    def __init__(
        self,
        config: NotifyConfig,
        *,
        session: aiohttp.ClientSession | None = None,
        wall_ns: Callable[[], int] = time.time_ns,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        platforms: Mapping[str, Platform] | None = None,
    ) -> None:
        self.config = config
        self.state = ServiceState.NEW
        self._session = session
        self._own_session = session is None
        self._tasks: set[asyncio.Task[None]] = set()
        runtime = Runtime(self._get_session, wall_ns, monotonic, sleep, rng)
        policy = RetryPolicy(
            config.retry_initial_seconds,
            config.retry_max_seconds,
            config.max_age_seconds,
            config.retry_after_max_seconds,
        )
        self._destinations: dict[str, Destination] = {}
        self._delivered: set[tuple[str, str]] = set()  # (fingerprint, sink) firing sent
        self._muted_only: set[tuple[str, str]] = set()  # firing muted, never sent
        self.muted_total: dict[str, int] = {}  # notices muted per sink (silence, inhibition)
        self._alertmanagers: dict[str, AlertmanagerClient] = {}
        self._groups = Groups()
        self._monotonic = monotonic
        for name, cfg in config.sinks.items():
            if isinstance(cfg, AlertmanagerSink):
                from monitor.notify.alertmanager import AlertmanagerClient

                self._alertmanagers[name] = AlertmanagerClient(
                    name, cfg, self._get_session, wall_ns, sleep
                )
                continue
            from monitor.notify.factory import make_platform

            platform = (platforms or {}).get(name) or make_platform(name, cfg)
            self._destinations[name] = Destination(
                name,
                platform,
                Spool(config.spool_dir / name),
                runtime,
                timeout=cfg.timeout_seconds,
                policy=policy,
                max_pending=config.spool_max_per_sink,
            )

    def _get_session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("NotifyService is not started")
        return self._session

    @property
    def sink_names(self) -> list[str]:
        return list(self.config.sinks)

    def api_sinks(self) -> list[dict[str, Any]]:
        """``GET /api/v1/sinks``: health, last error, queue and spool per sink (no secret)."""
        out: list[dict[str, Any]] = []
        for name, dest in self._destinations.items():
            st = dest.stats
            healthy = st.last_attempt_ok is not False and st.spool_unwritten == 0
            out.append(
                {
                    "sink": name,
                    "type": dest.platform.kind,
                    "health": "ok" if healthy else "failing",
                    "last_error": st.last_error or None,
                    "last_success": iso(st.last_success_ns) if st.last_success_ns else None,
                    "queue_depth": dest.pending,
                    "spool_depth": st.spool_depth,
                    "spool_unwritten": st.spool_unwritten,
                    "spool_errors": st.spool_errors,
                    "sent": st.sent,
                    "failed": st.failed,
                    "attempt_errors": st.attempt_errors,
                    "retry_after_capped": st.retry_after_capped,
                    "muted": self.muted_total.get(name, 0),
                }
            )
        for name, am in self._alertmanagers.items():
            st = am.stats
            out.append(
                {
                    "sink": name,
                    "type": am.kind,
                    "health": "failing" if st.last_attempt_ok is False else "ok",
                    "last_error": st.last_error or None,
                    "last_success": iso(st.last_success_ns) if st.last_success_ns else None,
                    "queue_depth": am.pending,  # alerts known (firing, recently resolved)
                    "spool_depth": 0,
                    "instances": {url: err or "ok" for url, err in am.url_errors.items()},
                    "sent": st.sent,
                    "attempt_errors": st.attempt_errors,
                }
            )
        return out

    def stats(self) -> dict[str, SinkStats]:
        """Counters per sink (live objects: read, do not modify)."""
        out = {name: d.stats for name, d in self._destinations.items()}
        return out | {name: am.stats for name, am in self._alertmanagers.items()}

    async def start(self) -> None:
        """Open the HTTP session, load spools and start one worker per sink."""
        if self.state is not ServiceState.NEW:
            raise RuntimeError(f"cannot start a {self.state.value} NotifyService")
        self.state = ServiceState.RUNNING
        if self._session is None and self.config.sinks:
            self._session = aiohttp.ClientSession(trust_env=True)  # honours HTTPS_PROXY
        for dest in self._destinations.values():
            await dest.open()
            task = asyncio.create_task(dest.run(), name=f"notify:{dest.name}")
            self._tasks.add(task)
            task.add_done_callback(self._on_task_done)
        for am in self._alertmanagers.values():
            task = asyncio.create_task(am.run(), name=f"notify:{am.name}")
            self._tasks.add(task)
            task.add_done_callback(self._on_task_done)
        log.info("notify_started", sinks=sink_types(self.config.sinks))

    def _on_task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("notify_worker_crashed", task=task.get_name(), exc_info=task.exception())

    def route(self, notice: Notice) -> list[str]:
        """The sinks that should receive ``notice``: those of every matching route in order
        (up to one with ``continue: false``), else ``default_sinks``; without routes, all."""
        return list(self._routes(notice))

    def _routes(self, notice: Notice) -> dict[str, int | None]:
        """``{sink: index of the route that sends the notice there (None: no route)}``."""
        names: dict[str, int | None] = {}
        if self.config.routes or self.config.default_sinks:
            labels = route_labels(notice)
            for i, route in enumerate(self.config.routes):
                if route.matches(notice.severity, notice.pair, notice.rule) and (
                    route.labels_match(labels)
                ):
                    for sink in route.sinks:
                        names.setdefault(sink, i)
                    if not route.continue_:
                        break
            if not names:
                names = dict.fromkeys(self.config.default_sinks)
        else:
            names = dict.fromkeys(self.config.sinks)
        return {n: i for n, i in names.items() if self._accepts(self.config.sinks[n], notice)}

    def _grouping(
        self, notice: Notice, sink: str, route_index: int | None
    ) -> tuple[float, Hashable | None]:
        """When grouping lets ``notice`` go to ``sink`` (0: now), and its group."""
        if route_index is None:
            return 0.0, None
        route = self.config.routes[route_index]
        if not route.group_wait and not route.group_interval and not route.group_by:
            return 0.0, None
        key = (route_index, group_key(route.group_by, route_labels(notice)))
        at = self._groups.release_at(
            (sink, key), self._monotonic(), route.group_wait, route.group_interval
        )
        return at, key

    @staticmethod
    def _accepts(cfg: SinkConfig, notice: Notice) -> bool:
        resolved = notice.status is Status.RESOLVED
        if resolved and not cfg.send_resolved and not isinstance(cfg, AlertmanagerSink):
            return False
        return severity_rank(notice.severity) >= severity_rank(cfg.min_severity)

    def notify(self, notice: Notice, mute: Callable[[str], bool] | None = None) -> list[str]:
        """Queue ``notice`` for every routed sink not muted (synchronous, never blocks).

        ``mute(sink)`` says whether a silence or an inhibition mutes the notice there. A
        resolve is muted only where its firing was muted and never sent in this run, so a
        silence never leaves a sink showing an alert as firing forever.
        """
        if self.state is ServiceState.CLOSED:
            return []
        out = []
        for name, route_index in self._routes(notice).items():
            if name in self._alertmanagers:  # Alertmanager groups, silences, inhibits itself
                self._alertmanagers[name].update(notice)
                out.append(name)
                continue
            if self._muted(notice, name, mute):
                self.muted_total[name] = self.muted_total.get(name, 0) + 1
                continue
            hold, group = self._grouping(notice, name, route_index)
            if self._destinations[name].enqueue(notice, hold, group):
                out.append(name)
        return out

    def _muted(self, notice: Notice, sink: str, mute: Callable[[str], bool] | None) -> bool:
        key = (notice.fingerprint, sink)
        if notice.status is Status.RESOLVED:
            self._delivered.discard(key)
            if key in self._muted_only:
                self._muted_only.discard(key)
                return True
            return False
        if mute is not None and mute(sink):
            if key not in self._delivered:
                self._muted_only.add(key)
            return True
        self._delivered.add(key)
        self._muted_only.discard(key)
        return False

    def resync(self, notices: list[Notice]) -> None:
        """Tell the Alertmanager sinks which alerts fire at start-up (restored state);
        chat sinks get nothing (no new page after a restart)."""
        for name, am in self._alertmanagers.items():
            am.sync([n for n in notices if name in self.route(n)])

    def enqueue(self, sink: str, notice: Notice) -> bool:
        """Queue ``notice`` for one sink, ignoring routes."""
        return self._destinations[sink].enqueue(notice)

    async def flush(self) -> None:
        """Make every queued notice durable in the spool now."""
        await asyncio.gather(*(d.persist() for d in self._destinations.values()))

    async def send_once(self, sink: str, notice: Notice) -> Outcome:
        """Send one notice to ``sink`` now (no queue, spool or retry); needs a session
        (injected, or opened by :meth:`start`)."""
        if sink in self._alertmanagers:
            return await self._alertmanagers[sink].send_once(notice)
        return await self._destinations[sink].send_once([notice])

    async def close(self, drain_seconds: float | None = None) -> None:
        """Drain queues for ``drain_seconds`` (config default), then spool the rest and stop."""
        if self.state is ServiceState.CLOSED:
            return
        was_running = self.state is ServiceState.RUNNING
        self.state = ServiceState.CLOSED
        if was_running:
            for dest in self._destinations.values():
                dest.begin_close()
            limit = self.config.shutdown_flush_seconds if drain_seconds is None else drain_seconds
            drains = [d.wait_drained() for d in self._destinations.values()]
            try:
                await asyncio.wait_for(asyncio.gather(*drains), timeout=limit)
            except TimeoutError:
                left = {d.name: d.pending for d in self._destinations.values() if d.pending}
                if left:
                    log.warning("notify_shutdown_left_in_spool", pending=left)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.flush()
        if self._own_session and self._session is not None:
            await self._session.close()
