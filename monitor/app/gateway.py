"""``dlmon gateway``: only the feeds, every event and feed-health change onto the bus.

The gateway builds the configured feeds exactly as the daemon does (same pairs, symbols,
sessions) but hands their events to a :class:`~monitor.bus.publisher.BusPublisher`
instead of an engine. It serves ``/metrics`` (feeds, tasks, ``dlmon_bus_*``),
``/healthz``, ``/readyz`` (ready when connected to the bus and every feed streams) and
``/api/v1/feeds`` on ``server.host``/``server.port``.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import structlog
from aiohttp import web
from prometheus_client.aiohttp import make_aiohttp_handler
from prometheus_client.registry import CollectorRegistry

from monitor import __version__
from monitor.app.build import build_feeds, build_pairs, daemon_clock
from monitor.app.tasks import TaskSupervisor
from monitor.bus.connection import display_url
from monitor.bus.metrics import PublisherCollector
from monitor.bus.publisher import BusPublisher
from monitor.core.sessions import SessionCalendar
from monitor.expose.api import feed_json
from monitor.expose.metrics.feeds import FeedsCollector
from monitor.expose.metrics.tasks import TasksCollector
from monitor.feeds.base import Feed, FeedHealth
from monitor.settings.root import Settings

log = structlog.get_logger(__name__)

SHUTDOWN_GRACE_SECONDS = 3.0
DRAIN_SECONDS = 2.0


class Gateway:
    """Feeds -> publisher; built from settings, nothing starts in the constructor."""

    def __init__(self, settings: Settings, clock: Callable[[], int] = time.time_ns) -> None:
        self.settings = settings
        clock = daemon_clock(settings, clock)
        self.pairs = build_pairs(settings)
        self.sessions = SessionCalendar(settings.sessions.mode, settings.sessions.us_extended_hours)
        self.publisher = BusPublisher(settings.bus, self.feed_health, clock)
        self.feeds: list[Feed] = build_feeds(
            settings, self.pairs, self.publisher.offer, clock, self.sessions
        )
        self.supervisor = TaskSupervisor()
        self.registry = CollectorRegistry(auto_describe=False)
        FeedsCollector(self.feed_health, registry=self.registry)
        TasksCollector(__version__, self.supervisor.restarts, registry=self.registry)
        PublisherCollector(self.publisher, registry=self.registry)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def feed_health(self) -> Sequence[FeedHealth]:
        return [feed.health for feed in self.feeds]

    def readiness(self) -> list[str]:
        """What keeps the gateway from being ready (empty when ready)."""
        problems = [] if self.publisher.connected else [f"bus: {self.publisher.reason}"]
        for health in self.feed_health():
            if not health.up:
                reason = f": {health.reason}" if health.reason else ""
                problems.append(f"feed {health.name} is {health.state}{reason}")
        return problems

    def web_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metrics", make_aiohttp_handler(self.registry))
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/api/v1/feeds", self._feeds)
        return app

    async def _healthz(self, _request: web.Request) -> web.Response:
        if self.supervisor.alive:
            return _json({"status": "ok"})
        return _json({"status": "supervisor stopped or a task died"}, 503)

    async def _readyz(self, _request: web.Request) -> web.Response:
        problems = self.readiness()
        if problems:
            return _json({"ready": False, "not_ready": problems}, 503)
        return _json({"ready": True})

    async def _feeds(self, _request: web.Request) -> web.Response:
        return _json([feed_json(h) for h in self.feed_health()])

    async def start(self) -> None:
        """Open the HTTP port, start the publisher and every feed under supervision."""
        server = self.settings.server
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, server.host, server.port).start()
        sockets = [s for s in self._runner.addresses if isinstance(s, tuple)]
        self.port = sockets[0][1] if sockets else server.port
        self.supervisor.spawn("bus", self.publisher.run)
        for feed in self.feeds:
            self.supervisor.spawn(f"feed:{feed.name}", feed.run)
        log.info(
            "gateway_started",
            version=__version__,
            http=f"http://{server.host}:{self.port}/",
            bus=display_url(self.settings.bus.url),
            stream=self.settings.bus.stream,
            feeds=[f.name for f in self.feeds],
        )

    async def stop(self) -> None:
        """Stop the feeds, give the publisher a moment to send what is queued, stop."""
        await self.publisher.drain(DRAIN_SECONDS, stopping="gateway stopped")
        await self.supervisor.stop(SHUTDOWN_GRACE_SECONDS)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        log.info("gateway_stopped", **_counts(self.publisher))

    async def run_until(self, stop: asyncio.Event) -> None:
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()


def _counts(publisher: BusPublisher) -> dict[str, int]:
    s = publisher.stats
    return {"published": s.published_events, "dropped": s.dropped, "failed": s.failed_events}


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


async def serve_gateway(settings: Settings) -> None:
    """Run the gateway until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await Gateway(settings).run_until(stop)


__all__ = ["Gateway", "serve_gateway"]
