"""``dlmon record``: the bus recorder, with ``/metrics``, ``/healthz`` and ``/readyz`` when
asked to listen (``--listen HOST:PORT``), until SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import orjson
import structlog
from aiohttp import web
from prometheus_client.aiohttp import make_aiohttp_handler
from prometheus_client.registry import CollectorRegistry

from monitor.recorder.bus import BusRecorder
from monitor.recorder.bus_metrics import BusRecorderCollector
from monitor.settings.root import Settings

log = structlog.get_logger(__name__)


def recorder_app(recorder: BusRecorder, task: asyncio.Task[None]) -> web.Application:
    """/metrics (``dlmon_bus_recorder_*``), /healthz (the task runs), /readyz (connected)."""
    registry = CollectorRegistry(auto_describe=False)
    BusRecorderCollector(recorder, registry=registry)

    async def healthz(_request: web.Request) -> web.Response:
        if task.done():
            return _json({"status": "the recorder task ended"}, 503)
        return _json({"status": "ok"})

    async def readyz(_request: web.Request) -> web.Response:
        if recorder.connected:
            return _json({"ready": True, "last_sequence": recorder.journal.last_seq})
        return _json({"ready": False, "not_ready": ["not consuming the bus"]}, 503)

    app = web.Application()
    app.router.add_get("/metrics", make_aiohttp_handler(registry))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    return app


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


async def serve_recorder(settings: Settings, listen: tuple[str, int] | None = None) -> None:
    """Run ``dlmon record`` until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    recorder = BusRecorder(settings)
    task = asyncio.create_task(recorder.run(), name="bus-recorder")
    runner: web.AppRunner | None = None
    if listen is not None:
        runner = web.AppRunner(recorder_app(recorder, task), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, *listen).start()
        log.info("recorder_listening", http=f"http://{listen[0]}:{listen[1]}/")
    try:
        await stop.wait()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if runner is not None:
            await runner.cleanup()
    log.info("recorder_stopped", events=recorder.stats.events, last_seq=recorder.journal.last_seq)


__all__ = ["recorder_app", "serve_recorder"]
