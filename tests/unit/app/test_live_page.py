"""The status page's data: premium history rings, the event stream, the history endpoint."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.registry import CollectorRegistry

from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair
from monitor.core.sessions import SessionCalendar
from monitor.expose.api import pairs_json
from monitor.expose.live import HOUR_SECONDS, LiveHub, PremiumHistory, history_json
from monitor.expose.server import HUB_KEY, ServerState, create_app
from monitor.feeds.base import FeedHealth, FeedState
from tests.support.polling import eventually

T0 = 1_790_000_000_000_000_000  # 2026-09-21T14:13:20Z
S = 1_000_000_000
SEC0 = T0 // S


def test_history_keeps_an_hour_of_seconds_and_a_day_of_minute_means() -> None:
    ring = PremiumHistory()
    start = SEC0 - SEC0 % 60  # a minute boundary
    for i in range(HOUR_SECONDS + 120):
        ring.add((start + i, i * 1e-4, -1e-3, None))

    seconds = ring.window("1h")
    assert len(seconds) == HOUR_SECONDS
    assert seconds[-1] == (start + HOUR_SECONDS + 119, (HOUR_SECONDS + 119) * 1e-4, -1e-3, None)
    minutes = ring.window("1d")
    assert len(minutes) == 62  # 61 closed minutes and the open one
    # minute 0 holds i = 0..59: mean 29.5e-4; the edge with no value stays None
    assert minutes[0] == (start, pytest.approx(29.5e-4), pytest.approx(-1e-3), None)
    assert minutes[-1][0] == start + 61 * 60


def test_history_replaces_a_repeated_second_and_ignores_time_going_back() -> None:
    ring = PremiumHistory()
    ring.add((SEC0, 0.001, None, None))
    ring.add((SEC0, 0.002, None, None))  # same second: the newer value wins
    ring.add((SEC0 - 5, 0.003, None, None))  # backwards: dropped
    assert ring.window("1h") == [(SEC0, 0.002, None, None)]
    assert ring.window("1d") == [(SEC0 - SEC0 % 60, 0.002, None, None)]


def test_history_json_is_column_arrays() -> None:
    body = history_json("PONY", "1h", [(1, 0.1, 0.2, None), (2, None, 0.3, 0.4)])
    assert body == {
        "pair": "PONY",
        "window": "1h",
        "step_seconds": 1,
        "t": [1, 2],
        "mid": [0.1, None],
        "buy_hk_sell_us": [0.2, 0.3],
        "buy_us_sell_hk": [None, 0.4],
    }


def build(now: list[int]) -> tuple[Engine, ServerState]:
    pair = Pair(
        "PONY",
        Instrument("PONY", "XNAS", "USD"),
        Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        1.0,
    )
    engine = Engine([pair], SessionCalendar("always_open"))
    health = FeedHealth("sim", FeedState.STREAMING)
    alerts = [{"rule": "wide", "pair": "PONY", "severity": "warning", "summary": "x"}]
    state = ServerState(
        registry=CollectorRegistry(auto_describe=False),
        snapshot=lambda: engine.snapshot(now[0]),
        feeds=lambda: [health],
        alive=lambda: True,
        version="test",
        alerts=lambda: alerts,
    )
    return engine, state


def feed(engine: Engine, t: int, hk_bid: float = 118.4) -> None:
    engine.on_event(Quote("PONY", 15.2, 100, 15.22, 100, t, t, "sim"))
    engine.on_event(Quote("2026.HK", hk_bid, 100, hk_bid + 0.1, 100, t, t, "sim"))
    engine.on_event(FxQuote("USDHKD", 7.781, 7.7812, t, t, "sim"))


async def test_hub_message_is_the_api_json_plus_feeds_and_alerts() -> None:
    now = [T0]
    engine, state = build(now)
    feed(engine, T0)
    hub = LiveHub(state.snapshot, state.feeds, state.alerts, "test")
    await hub.tick()
    assert hub.latest is None  # nobody listens: only the history is kept
    assert len(hub.history["PONY"].window("1h")) == 1
    queue = hub.subscribe()

    now[0] += S
    await hub.tick()

    assert hub.latest is not None and queue.get_nowait() == hub.latest
    message = orjson.loads(hub.latest)
    assert message["pairs"] == orjson.loads(orjson.dumps(pairs_json(state.snapshot())))
    assert message["as_of_seconds"] == SEC0 + 1 and message["version"] == "test"
    assert message["feeds"][0]["feed"] == "sim" and message["alerts"][0]["rule"] == "wide"
    _, sample = hub.history["PONY"].window("1h")
    premium = message["pairs"][0]["premium"]
    bases = (premium["mid"], premium["buy_hk_sell_us"], premium["buy_us_sell_hk"])
    assert sample == (SEC0 + 1, *bases)


async def test_a_failing_snapshot_is_counted_and_the_hub_goes_on() -> None:
    def broken() -> object:
        raise RuntimeError("boom")

    hub = LiveHub(broken, list, list, "test")  # type: ignore[arg-type]
    await hub.tick()
    assert hub.failures == 1 and hub.latest is None


async def read_event(client: TestClient, response: object) -> dict[str, object]:
    """The data of the next ``status`` event of an open event stream."""
    content = response.content  # type: ignore[attr-defined]
    buffer = b""
    while b"\n\n" not in buffer or b"event: status" not in buffer:
        buffer += await asyncio.wait_for(content.readany(), 5)
        while b"\n\n" in buffer and not buffer.startswith(b"event: status"):
            buffer = buffer.split(b"\n\n", 1)[1]
    block = buffer.split(b"\n\n", 1)[0]
    data = block.split(b"data: ", 1)[1]
    return dict(orjson.loads(data))


async def test_stream_pushes_status_messages_and_history_serves_them() -> None:
    now = [T0]
    engine, state = build(now)
    feed(engine, T0)
    app = create_app(state)
    async with TestClient(TestServer(app)) as client:
        hub = app[HUB_KEY]
        response = await client.get("/api/v1/stream")
        assert response.headers["Content-Type"] == "text/event-stream"
        first = await read_event(client, response)
        assert first["pairs"][0]["pair"] == "PONY"  # type: ignore[index]

        now[0] = T0 + 5 * S
        feed(engine, T0 + 5 * S, hk_bid=119.0)
        await hub.tick()
        second = await read_event(client, response)
        while second["as_of_seconds"] != SEC0 + 5:
            second = await read_event(client, response)
        assert second["pairs"] == orjson.loads(orjson.dumps(pairs_json(state.snapshot())))

        history = await (await client.get("/api/v1/pairs/PONY/history")).json()
        assert history["t"][-1] == SEC0 + 5
        assert history["mid"][-1] == second["pairs"][0]["premium"]["mid"]  # type: ignore[index]
        day = await (await client.get("/api/v1/pairs/PONY/history?window=1d")).json()
        assert day["step_seconds"] == 60 and day["t"]
        assert (await client.get("/api/v1/pairs/NOPE/history")).status == 404
        assert (await client.get("/api/v1/pairs/PONY/history?window=7d")).status == 400
        response.close()
        await eventually(lambda: hub.subscribers == 0, what="the stream to unsubscribe")


async def test_open_streams_end_when_the_server_stops() -> None:
    now = [T0]
    _, state = build(now)
    app = create_app(state)
    client = TestClient(TestServer(app))
    await client.start_server()
    response = await client.get("/api/v1/stream")
    await eventually(lambda: app[HUB_KEY].subscribers == 1, what="the subscription")
    started = asyncio.get_running_loop().time()
    await client.close()  # would wait for open handlers if the stream did not end
    assert asyncio.get_running_loop().time() - started < 5
    response.close()


async def test_page_and_its_assets_are_served_by_the_daemon() -> None:
    _, state = build([T0])
    async with TestClient(TestServer(create_app(state))) as client:
        page = await (await client.get("/")).text()
        assert '<meta name="viewport"' in page and "http" not in page.split("<footer")[0]
        for asset in ("/static/app.js", "/static/style.css", "/static/vendor/uPlot.iife.min.js"):
            response = await client.get(asset)
            assert response.status == 200, asset
            assert len(await response.read()) > 1000
