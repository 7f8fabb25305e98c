"""The daemon: built from settings (feeds -> core -> expose, alerts -> notify, recorder),
started and stopped in order, run until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import platform
import signal
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import structlog
from aiohttp import web
from prometheus_client import GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.registry import CollectorRegistry
from pydantic import SecretStr

from monitor import __version__
from monitor.alerts.metrics import AlertsCollector
from monitor.app.alerting import build_alerting
from monitor.app.build import (
    analytics_settings,
    build_feeds,
    build_pairs,
    daemon_clock,
    feed_priorities,
    index_settings,
    shard_pairs,
)
from monitor.app.heap import settle_heap
from monitor.app.loop_lag import LoopLagProbe
from monitor.app.market_clock import EventClock, MarketClock
from monitor.app.tasks import TaskSupervisor
from monitor.buildinfo import revision
from monitor.core.engine import Engine
from monitor.core.premium_index import PremiumIndex
from monitor.core.sessions import SessionCalendar
from monitor.core.snapshot import MarketSnapshot
from monitor.errors import ConfigError
from monitor.expose.market_text import MarketText
from monitor.expose.metrics.feeds import FeedsCollector
from monitor.expose.metrics.latency import LatencyCollector
from monitor.expose.metrics.market import MarketCollector
from monitor.expose.metrics.tasks import TasksCollector
from monitor.expose.pairs_json import new_pairs_json
from monitor.expose.server import ServerState, create_app
from monitor.feeds.base import Feed, FeedHealth, WarmUpFeed
from monitor.notify.metrics import NotifyCollector
from monitor.recorder.clock import ReplayClock
from monitor.settings.root import Settings

if TYPE_CHECKING:  # imported at run time only when the recorder is enabled
    from monitor.recorder.recorder import Recorder

log = structlog.get_logger(__name__)

SHUTDOWN_GRACE_SECONDS = 3.0


class Daemon:
    """Everything the daemon runs, built from settings. Nothing starts in the constructor."""

    def __init__(self, settings: Settings, clock: Callable[[], int] = time.time_ns) -> None:
        self.settings = settings
        clock = daemon_clock(settings, clock)  # recorded time when a replay feed is configured
        self.clock = clock
        self.pairs = shard_pairs(settings, build_pairs(settings))
        self.sessions = SessionCalendar(settings.sessions.mode, settings.sessions.us_extended_hours)
        self.engine = Engine(
            self.pairs,
            self.sessions,
            windows=settings.liquidity.windows,
            priorities=feed_priorities(settings),
            max_future_skew_seconds=settings.sessions.max_future_skew_seconds,
            analytics=analytics_settings(settings.analytics),
        )
        self.feeds: list[Feed] = build_feeds(
            settings, self.pairs, self.engine.on_event, clock, self.sessions,
            self.engine.set_source_down,
        )  # fmt: skip
        self.supervisor = TaskSupervisor()
        index = index_settings(settings)
        self.market = MarketClock(
            self.engine,
            clock,
            settings.server.snapshot_interval_seconds,
            index=PremiumIndex(index) if index is not None else None,
        )
        if isinstance(clock, ReplayClock):  # recorded time moves with the events
            self.engine.listeners.append(EventClock(self.engine))
        self.loop_lag = LoopLagProbe()
        self.recorder = _recorder(settings)
        if self.recorder is not None:
            self.engine.listeners.append(self.recorder.offer)
        self.alerting = build_alerting(
            settings, lambda _now: self.snapshot(), self.feed_health, clock=clock
        )
        self.registry = CollectorRegistry(auto_describe=False)
        # Each room exports its own metrics; every collector registers itself.
        # The market families read only the immutable snapshot (and counters copied in one
        # C call): /metrics builds them in steps of a few pairs (expose/metrics_handler.py).
        # Their text is written once per snapshot (ahead, while every snapshot is scraped).
        self.market_text = MarketText(MarketCollector(self.engine, self.snapshot), self.snapshot)
        self.pairs_json = new_pairs_json()  # each pair's JSON, encoded once per snapshot
        self.market.before_publish += [self.market_text.prepare, self.pairs_json.prepare]
        FeedsCollector(self.feed_health, registry=self.registry)
        LatencyCollector(self.feed_health, self.loop_lag.histogram, registry=self.registry)
        TasksCollector(
            __version__,
            self.supervisor.restarts,
            revision=revision(),
            python_version=platform.python_version(),
            registry=self.registry,
        )
        # The process's own health: process_* (RSS, CPU, fds, start time), python_*.
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        AlertsCollector(self.alerting.alerts, registry=self.registry)
        NotifyCollector(self.alerting.notify, registry=self.registry)
        if self.recorder is not None:
            from monitor.recorder.metrics import RecorderCollector

            RecorderCollector(self.recorder, registry=self.registry)
        self.web_app = create_app(
            ServerState(
                registry=self.registry,
                snapshot=self.snapshot,
                feeds=self.feed_health,
                alive=lambda: self.supervisor.alive,
                version=__version__,
                alerts=self.alerting.api_alerts,
                oncall=self.alerting,
                api_token=_secret(settings.server.api_token),
                market=self.market_text,
                pairs_json=self.pairs_json,
            )
        )
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def snapshot(self) -> MarketSnapshot:
        """The snapshot every reader shares (published once a second by the market clock)."""
        return self.market.snapshot()

    def feed(self, name: str) -> Feed:
        """The feed configured as ``name`` (KeyError if none is)."""
        for feed in self.feeds:
            if feed.name == name:
                return feed
        raise KeyError(name)

    def feed_health(self) -> Sequence[FeedHealth]:
        return [feed.health for feed in self.feeds]

    async def start(self) -> None:
        """Open the HTTP port and start every feed under supervision."""
        server = self.settings.server
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, server.host, server.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise ConfigError(
                f"server: cannot listen on {server.host}:{server.port}: {exc.strerror or exc};"
                " set server.port (DLMON_SERVER__PORT) or server.host (DLMON_SERVER__HOST)"
                " to a free address"
            ) from None
        sockets = [s for s in self._runner.addresses if isinstance(s, tuple)]
        self.port = sockets[0][1] if sockets else server.port
        await self.alerting.start()  # restores alert state and the notification spool
        for feed in self.feeds:  # recent history before the clock starts (feeds of the bus)
            if isinstance(feed, WarmUpFeed):
                await feed.warm_up(self.engine.advance)
        # Feeds first: tasks start in the order spawned, so whatever a feed delivers on its
        # first step (the simulator's opening quotes) is in the market clock's first
        # snapshot, and /readyz need not wait for the next whole second.
        for feed in self.feeds:
            self.supervisor.spawn(f"feed:{feed.name}", feed.run)
        self.supervisor.spawn("market", self.market.run)
        self.supervisor.spawn("loop-lag", self.loop_lag.run)
        self.supervisor.spawn("alerts", self.alerting.run)
        if self.recorder is not None:
            self.supervisor.spawn("recorder", self.recorder.run)
        log.info(
            "dlmon_started",
            version=__version__,
            http=f"http://{server.host}:{self.port}/",
            pairs=[p.name for p in self.pairs],
            feeds=[f.name for f in self.feeds],
            sessions=self.settings.sessions.mode,
        )

    async def stop(self) -> None:
        """Stop feeds, then the HTTP server. Safe to call twice."""
        await self.supervisor.stop(SHUTDOWN_GRACE_SECONDS)
        await self.alerting.close()  # save alert state; drain notifications, spool the rest
        if self.recorder is not None:
            await self.recorder.close()  # final flush of what the feeds delivered
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        log.info("dlmon_stopped")

    async def run_until(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()


async def serve(settings: Settings) -> None:
    """Run the daemon until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    daemon = Daemon(settings)
    await daemon.start()
    settle_heap()  # the daemon owns this process: tune its garbage collector
    try:
        await stop.wait()
    finally:
        await daemon.stop()


def _recorder(settings: Settings) -> Recorder | None:
    """The tick recorder when ``recorder.enabled`` (imported only then)."""
    if not settings.recorder.enabled:
        return None
    from monitor.recorder.recorder import Recorder

    return Recorder(settings.recorder)


def _secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()
