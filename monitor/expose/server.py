"""The HTTP surface: /metrics, /healthz, /readyz, /api/v1/* and the live status page."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web
from prometheus_client.registry import CollectorRegistry

from monitor.core.snapshot import MarketSnapshot
from monitor.expose import api, api_alerts, api_universe
from monitor.expose.api_alerts import OnCall
from monitor.expose.live import LiveHub, history_json
from monitor.expose.market_text import MarketText
from monitor.expose.metrics_handler import make_metrics_handler
from monitor.expose.pairs_json import PairsJson, new_pairs_json
from monitor.expose.ranking_html import ranking_html
from monitor.expose.streamed import send_streamed
from monitor.feeds.base import FeedHealth
from monitor.slices import TimeSlice, serving


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the HTTP layer reads; it holds no business logic of its own."""

    registry: CollectorRegistry
    snapshot: Callable[[], MarketSnapshot]
    feeds: Callable[[], Sequence[FeedHealth]]
    alive: Callable[[], bool]
    version: str
    alerts: Callable[[], list[dict[str, Any]]] = list  # firing alerts (monitor.alerts)
    oncall: OnCall | None = None  # silences, alerts by state, sinks (monitor.expose.api_alerts)
    api_token: str | None = field(default=None, repr=False)  # needed by every /api/v1 write
    # The families of the immutable shared snapshot, written once: served first on /metrics.
    market: MarketText | None = None
    # Each pair's JSON of the shared snapshot, encoded once (the pairs list, the status page).
    pairs_json: PairsJson = field(default_factory=new_pairs_json)


PAIRS_PER_PART = 20
"""Pairs of ``/api/v1/pairs`` sent in one write."""
STATE_KEY = web.AppKey("dlmon_state", ServerState)
HUB_KEY = web.AppKey("dlmon_live", LiveHub)
STATIC = Path(__file__).parent / "static"


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=orjson.dumps(data, option=api.JSON_OPTIONS),
        status=status,
        content_type="application/json",
    )


async def healthz(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if state.alive():
        return json_response({"status": "ok"})
    return json_response({"status": "supervisor stopped or a task died"}, status=503)


async def readyz(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    problems = api.readiness(state.snapshot(), list(state.feeds()))
    if problems:
        return json_response({"ready": False, "not_ready": problems}, status=503)
    return json_response({"ready": True})


async def pairs(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    snapshot = state.snapshot()
    try:  # ?sort=premium|zscore|edge|pair&order=&limit=&window= (docs/universe.md)
        views = api_universe.sorted_pairs(snapshot, request.query) if request.query else None
    except api_universe.SortError as exc:
        return json_response({"error": str(exc)}, status=400)

    async def body() -> AsyncIterator[bytes]:
        slice_ = TimeSlice()  # hundreds of pairs do not hold the loop
        encoded = await state.pairs_json.get(snapshot, None, slice_)
        names = [v.pair for v in (snapshot.pairs if views is None else views)]
        separator = b"["
        for start in range(0, len(names), PAIRS_PER_PART):
            yield separator + b",".join(encoded[n] for n in names[start : start + PAIRS_PER_PART])
            separator = b","
            await slice_.pause()
        yield b"]" if separator == b"," else b"[]"

    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    with serving():  # the market clock and alert rounds wait for the response
        return await send_streamed(request, response, body())


async def premium_index(request: web.Request) -> web.Response:
    view = api_universe.index_json(request.app[STATE_KEY].snapshot().index)
    if view is None:
        return json_response({"error": "no index configured (index.enabled)"}, status=404)
    return json_response(view)


async def ranking(request: web.Request) -> web.Response:
    return json_response(api_universe.ranking_json(request.app[STATE_KEY].snapshot()))


async def feeds(request: web.Request) -> web.Response:
    return json_response([api.feed_json(f) for f in request.app[STATE_KEY].feeds()])


async def alerts(request: web.Request) -> web.Response:
    return json_response(request.app[STATE_KEY].alerts())


@functools.cache
def _page() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8")


async def index(request: web.Request) -> web.Response:
    """The status page: static HTML that reads ``/api/v1/stream`` and the history."""
    state = request.app[STATE_KEY]
    version = html.escape(state.version)
    page = (
        _page()
        .replace("<title>dlmon status</title>", f"<title>dlmon {version}</title>")
        .replace('<span id="version"></span>', f'<span id="version">{version}</span>')
    )
    snapshot = state.snapshot()
    if len(snapshot.pairs) > 1:  # the ranking before the first push (and without scripts)
        page = page.replace(
            '<section id="ranking" class="panel" aria-label="ranking" hidden></section>',
            '<section id="ranking" class="panel" aria-label="ranking">'
            + ranking_html(snapshot)
            + "</section>",
        )
    return web.Response(text=page, content_type="text/html")


async def stream(request: web.Request) -> web.StreamResponse:
    """Server-Sent Events: one ``status`` message a second until the page or server goes."""
    hub = request.app[HUB_KEY]
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    await response.write(b"retry: 1000\n\n")
    queue = hub.subscribe()
    try:
        while (message := await queue.get()) is not None:
            await response.write(b"event: status\ndata: " + message + b"\n\n")
    except ConnectionResetError:
        pass  # the page went away
    finally:
        hub.unsubscribe(queue)
    return response


async def history(request: web.Request) -> web.Response:
    """Recent premiums of one pair: ``?window=1h`` (per second, default) or ``1d`` (per minute)."""
    pair = request.match_info["pair"]
    window = request.query.get("window", "1h")
    if window not in ("1h", "1d"):
        return json_response({"error": "window must be 1h or 1d"}, status=400)
    ring = request.app[HUB_KEY].history.get(pair)  # every pair has one from the first tick
    if ring is None:
        return json_response({"error": f"unknown pair {pair}"}, status=404)
    return json_response(history_json(pair, window, ring.window(window)))


async def _run_hub(app: web.Application) -> AsyncIterator[None]:
    hub = app[HUB_KEY]
    task = asyncio.create_task(hub.run(), name="status-page")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _close_streams(app: web.Application) -> None:
    app[HUB_KEY].close()  # open event streams end, so shutdown does not wait for them


def create_app(state: ServerState) -> web.Application:
    """Build the aiohttp application (no socket is opened here)."""
    app = web.Application()
    app[STATE_KEY] = state
    app[HUB_KEY] = LiveHub(
        state.snapshot, state.feeds, state.alerts, state.version, pairs=state.pairs_json
    )
    app.cleanup_ctx.append(_run_hub)
    app.on_shutdown.append(_close_streams)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/api/v1/stream", stream)
    app.router.add_get("/api/v1/pairs/{pair}/history", history)
    app.router.add_get("/metrics", make_metrics_handler(state.registry, state.market))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/api/v1/pairs", pairs)
    app.router.add_get("/api/v1/feeds", feeds)
    app.router.add_get("/api/v1/index", premium_index)
    app.router.add_get("/api/v1/ranking", ranking)
    if state.oncall is None:
        app.router.add_get("/api/v1/alerts", alerts)
    else:
        app.router.add_get("/api/v1/alerts", api_alerts.alerts)
    api_alerts.register(app, state.oncall, state.api_token)
    return app
