"""The HTTP surface: /metrics, /healthz, /readyz, /api/v1/pairs, /api/v1/feeds, status page."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web
from prometheus_client.registry import CollectorRegistry

from monitor.core.snapshot import MarketSnapshot
from monitor.expose import api
from monitor.expose.metrics_handler import make_metrics_handler
from monitor.feeds.base import FeedHealth


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the HTTP layer reads; it holds no business logic of its own."""

    registry: CollectorRegistry
    snapshot: Callable[[], MarketSnapshot]
    feeds: Callable[[], Sequence[FeedHealth]]
    alive: Callable[[], bool]
    version: str
    alerts: Callable[[], list[dict[str, Any]]] = list  # firing alerts (monitor.alerts)


STATE_KEY = web.AppKey("dlmon_state", ServerState)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY),
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


PAIRS_PER_YIELD = 16
"""Pairs encoded between two yields to the event loop (hundreds of pairs stay smooth)."""


async def pairs(request: web.Request) -> web.Response:
    snapshot = request.app[STATE_KEY].snapshot()
    body = []
    for i, view in enumerate(snapshot.pairs, start=1):
        body.append(api.pair_json(view))
        if i % PAIRS_PER_YIELD == 0:
            await asyncio.sleep(0)
    return json_response(body)


async def feeds(request: web.Request) -> web.Response:
    return json_response([api.feed_json(f) for f in request.app[STATE_KEY].feeds()])


async def alerts(request: web.Request) -> web.Response:
    return json_response(request.app[STATE_KEY].alerts())


async def index(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    rows = []
    for view in state.snapshot().pairs:
        p = view.premium
        cells = [
            view.pair,
            _pct(p.mid),
            _pct(p.buy_hk_sell_us),
            _pct(p.buy_us_sell_hk),
            view.basis,
            "; ".join(view.stale_reasons) or "fresh",
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    html = _PAGE.format(version=state.version, rows="\n".join(rows))
    return web.Response(text=html, content_type="text/html")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.3f} % ({value * 1e4:+.1f} bp)"


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>dlmon</title>
<meta http-equiv="refresh" content="2"><style>body{{font-family:sans-serif}}
td,th{{padding:4px 12px;text-align:right}}</style></head><body>
<h1>dlmon {version}</h1><table><tr><th>pair</th><th>mid premium</th><th>buy HK / sell US</th>
<th>buy US / sell HK</th><th>basis</th><th>inputs</th></tr>
{rows}
</table><p><a href="/api/v1/pairs">/api/v1/pairs</a> · <a href="/api/v1/feeds">/api/v1/feeds</a>
· <a href="/metrics">/metrics</a> · <a href="/readyz">/readyz</a></p></body></html>"""


def create_app(state: ServerState) -> web.Application:
    """Build the aiohttp application (no socket is opened here)."""
    app = web.Application()
    app[STATE_KEY] = state
    app.router.add_get("/", index)
    app.router.add_get("/metrics", make_metrics_handler(state.registry))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/api/v1/pairs", pairs)
    app.router.add_get("/api/v1/feeds", feeds)
    app.router.add_get("/api/v1/alerts", alerts)
    return app
