"""Each US/FX provider end to end: config -> Daemon -> feed -> engine -> HTTP API and metrics.

The US and FX legs come from the provider's local protocol server; the HK leg comes from a
generic JSON websocket server with a fixed 2026.HK quote, so the expected premium follows
from the frames alone: ``(mid_us * mid_fx / ratio) / mid_hk - 1``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from monitor.app.build import load
from monitor.app.daemon import Daemon
from tests.support.feeds import fast_connection
from tests.support.polling import eventually
from tests.support.servers.alpaca import AlpacaServer
from tests.support.servers.finnhub import FinnhubServer
from tests.support.servers.generic import GenericServer
from tests.support.servers.oanda import OandaServer
from tests.support.servers.polygon import PolygonServer

US_BID, US_ASK = 18.42, 18.45
FX_BID, FX_ASK = 7.7812, 7.7816
HK_BID, HK_ASK = 143.2, 143.4
HK_MID = (HK_BID + HK_ASK) / 2
QUOTE_MID_PREMIUM = ((US_BID + US_ASK) / 2 * (FX_BID + FX_ASK) / 2) / HK_MID - 1
FAST = fast_connection().model_dump()


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def hk_server() -> GenericServer:
    record = {"sym": "2026", "b": HK_BID, "a": HK_ASK, "bs": 2000, "as": 1500, "ts": now_ms()}
    return GenericServer(frames=[{"data": [record]}])


def hk_feed(server: GenericServer) -> dict[str, Any]:
    return {
        "type": "generic",
        "url": server.url,
        "headers": {"X-Api-Key": "hdr-key"},
        "subscribe_message": {"op": "subscribe", "symbols": "{symbols}"},
        "records": "data",
        "fields": {
            "instrument": "sym",
            "bid": "b",
            "ask": "a",
            "bid_size": "bs",
            "ask_size": "as",
            "ts": "ts",
            "ts_unit": "ms",
        },
        "instruments": ["2026.HK"],
        "symbols": {"2026.HK": "2026"},
        "connection": FAST,
    }


def write_config(tmp_path: Path, feeds: dict[str, Any], **extra: Any) -> Path:
    config = {
        **extra,
        "server": {"host": "127.0.0.1", "port": 0, "snapshot_interval_seconds": 0.05},
        "sessions": {"mode": "always_open"},
        "pairs": {"PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1}},
        "feeds": feeds,
    }
    path = tmp_path / "dlmon.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture
async def daemons() -> AsyncIterator[list[Daemon]]:
    started: list[Daemon] = []
    yield started
    for daemon in started:
        await daemon.stop()


async def run_daemon(path: Path, daemons: list[Daemon]) -> Daemon:
    daemon = Daemon(load(path))
    daemons.append(daemon)
    await daemon.start()
    return daemon


async def api_pairs(daemon: Daemon) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{daemon.port}/api/v1/pairs") as response:
            assert response.status == 200
            body: list[dict[str, Any]] = await response.json()
            return body


async def metrics(daemon: Daemon) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{daemon.port}/metrics") as response:
            text = await response.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def premium_on_api(daemon: Daemon) -> dict[str, Any]:
    latest: list[dict[str, Any]] = []

    def has_premium() -> bool:
        return bool(latest) and latest[0]["premium"]["mid"] is not None

    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        latest[:] = await api_pairs(daemon)
        if has_premium():
            return latest[0]
        await asyncio.sleep(0.01)  # poll interval, bounded by the deadline
    raise AssertionError(f"no premium on /api/v1/pairs: {latest}")


async def check_metrics(daemon: Daemon, expected: float, feeds: list[str]) -> None:
    samples = await metrics(daemon)
    premium = samples[("dlmon_premium_ratio", (("basis", "mid"), ("pair", "PONY")))]
    assert premium == pytest.approx(expected, rel=1e-9)
    for feed in feeds:
        assert samples[("dlmon_feed_up", (("feed", feed),))] == 1.0
        assert samples[("dlmon_feed_messages_total", (("feed", feed),))] >= 1.0


async def test_polygon_stocks_and_forex(tmp_path: Path, daemons: list[Daemon]) -> None:
    quote = {
        "ev": "Q",
        "sym": "PONY",
        "bx": 12,
        "bp": US_BID,
        "bs": 300,  # shares since 2025-11-03 (the quote is stamped now)
        "ax": 11,
        "ap": US_ASK,
        "as": 500,
        "t": now_ms(),
        "q": 1,
        "z": 3,
    }
    fx = {"ev": "C", "p": "USD/HKD", "x": 48, "b": FX_BID, "a": FX_ASK, "t": now_ms()}
    async with (
        PolygonServer(frames=[[quote]]) as us,
        PolygonServer(frames=[[fx]], market="forex") as fxs,
        hk_server() as hk,
    ):
        feeds = {
            "poly_us": {
                "type": "polygon",
                "api_key": "good-key",
                "url": us.url,
                "instruments": ["PONY"],
                "connection": FAST,
            },
            "poly_fx": {
                "type": "polygon",
                "market": "forex",
                "api_key": "good-key",
                "url": fxs.url,
                "instruments": ["USDHKD"],
                "connection": FAST,
            },
            "hk": hk_feed(hk),
        }
        daemon = await run_daemon(write_config(tmp_path, feeds), daemons)
        pair = await premium_on_api(daemon)
        assert pair["premium"]["mid"] == pytest.approx(QUOTE_MID_PREMIUM, rel=1e-9)
        assert (pair["us"]["source"], pair["fx"]["source"]) == ("poly_us", "poly_fx")
        assert (pair["us"]["bid_size"], pair["us"]["ask_size"]) == (300.0, 500.0)
        await check_metrics(daemon, QUOTE_MID_PREMIUM, ["poly_us", "poly_fx"])


async def test_alpaca_with_oanda_fx(tmp_path: Path, daemons: list[Daemon]) -> None:
    quote = {
        "T": "q",
        "S": "PONY",
        "bx": "V",
        "bp": US_BID,
        "bs": 200,  # shares since 2025-11-03 (the quote is stamped now)
        "ax": "V",
        "ap": US_ASK,
        "as": 400,
        "t": now_iso(),
        "c": ["R"],
        "z": "C",
    }
    price = {
        "type": "PRICE",
        "instrument": "USD_HKD",
        "time": now_iso(),
        "status": "tradeable",
        "bids": [{"price": f"{FX_BID:.5f}", "liquidity": 1000000}],
        "asks": [{"price": f"{FX_ASK:.5f}", "liquidity": 1000000}],
        "closeoutBid": "7.78000",
        "closeoutAsk": "7.79000",
    }
    async with (
        AlpacaServer(frames=[[quote]]) as us,
        OandaServer(frames=[price]) as fxs,
        hk_server() as hk,
    ):
        feeds = {
            "alpaca": {
                "type": "alpaca",
                "key_id": "AKTEST",
                "secret_key": "s3cret",
                "url": us.url,
                "instruments": ["PONY"],
                "connection": FAST,
            },
            "oanda": {
                "type": "oanda",
                "token": "good-token",
                "account_id": fxs.account,
                "url": fxs.url,
                "instruments": ["USDHKD"],
                "connection": FAST,
            },
            "hk": hk_feed(hk),
        }
        daemon = await run_daemon(write_config(tmp_path, feeds), daemons)
        pair = await premium_on_api(daemon)
        assert pair["premium"]["mid"] == pytest.approx(QUOTE_MID_PREMIUM, rel=1e-9)
        assert (pair["us"]["source"], pair["fx"]["source"]) == ("alpaca", "oanda")
        await check_metrics(daemon, QUOTE_MID_PREMIUM, ["alpaca", "oanda"])


async def test_finnhub_last_prices(tmp_path: Path, daemons: list[Daemon]) -> None:
    us_last, fx_last = 18.44, 7.7814
    trades = {
        "type": "trade",
        "data": [
            {"p": us_last, "s": "PONY", "t": now_ms(), "v": 100, "c": ["1"]},
            {"p": fx_last, "s": "OANDA:USD_HKD", "t": now_ms(), "v": 0},
        ],
    }
    async with FinnhubServer(frames=[trades], expected_symbols=2) as fh, hk_server() as hk:
        feeds = {
            "finnhub": {
                "type": "finnhub",
                "api_key": "good-token",
                "url": fh.url,
                "instruments": ["PONY", "USDHKD"],
                "connection": FAST,
            },
            "hk": hk_feed(hk),
        }
        daemon = await run_daemon(write_config(tmp_path, feeds), daemons)
        pair = await premium_on_api(daemon)
        expected = (us_last * fx_last) / HK_MID - 1
        assert pair["premium"]["mid"] == pytest.approx(expected, rel=1e-9)
        assert (pair["us"]["price_basis"], pair["fx"]["price_basis"]) == ("last", "last")
        assert pair["hk"]["price_basis"] == "quote"
        await check_metrics(daemon, expected, ["finnhub"])


async def test_generic_all_legs(tmp_path: Path, daemons: list[Daemon]) -> None:
    records = [
        {"sym": "PONY.O", "b": US_BID, "a": US_ASK, "bs": 300, "as": 500, "ts": now_ms()},
        {"sym": "USD/HKD", "b": FX_BID, "a": FX_ASK, "ts": now_ms()},
        {"sym": "2026", "b": HK_BID, "a": HK_ASK, "bs": 2000, "as": 1500, "ts": now_ms()},
    ]
    async with GenericServer(frames=[{"data": records}]) as server:
        feed = hk_feed(server) | {
            "instruments": ["PONY", "2026.HK", "USDHKD"],
            "symbols": {"PONY": "PONY.O", "2026.HK": "2026", "USDHKD": "USD/HKD"},
        }
        daemon = await run_daemon(write_config(tmp_path, {"gen": feed}), daemons)
        pair = await premium_on_api(daemon)
        assert pair["premium"]["mid"] == pytest.approx(QUOTE_MID_PREMIUM, rel=1e-9)
        assert {pair[leg]["source"] for leg in ("us", "hk", "fx")} == {"gen"}
        await check_metrics(daemon, QUOTE_MID_PREMIUM, ["gen"])


async def wait_pair(daemon: Daemon, check: Any, what: str) -> dict[str, Any]:
    deadline = time.monotonic() + 5.0
    pair: dict[str, Any] = {}
    while time.monotonic() < deadline:
        pair = (await api_pairs(daemon))[0]
        if check(pair):
            return pair
        await asyncio.sleep(0.01)  # poll interval, bounded by the deadline
    raise AssertionError(f"timed out waiting for {what}: {pair}")


async def test_failover_to_finnhub_and_failback_to_polygon(
    tmp_path: Path, daemons: list[Daemon]
) -> None:
    def quote(bid: float, ask: float) -> list[dict[str, Any]]:
        return [{"ev": "Q", "sym": "PONY", "bp": bid, "bs": 1, "ap": ask, "as": 1, "t": now_ms()}]

    fx = {"ev": "C", "p": "USD/HKD", "b": FX_BID, "a": FX_ASK, "t": now_ms()}
    async with (
        PolygonServer(frames=[quote(US_BID, US_ASK)]) as us,
        PolygonServer(frames=[[fx]], market="forex") as fxs,
        FinnhubServer() as fh,
        hk_server() as hk,
    ):
        feeds = {
            "poly_us": {
                "type": "polygon",
                "api_key": "good-key",
                "url": us.url,
                "priority": 10,
                "instruments": ["PONY"],
                "connection": FAST,
            },
            "poly_fx": {
                "type": "polygon",
                "market": "forex",
                "api_key": "good-key",
                "url": fxs.url,
                "instruments": ["USDHKD"],
                "connection": FAST,
            },
            "backup": {
                "type": "finnhub",
                "api_key": "good-token",
                "url": fh.url,
                "priority": 1,
                "instruments": ["PONY"],
                "connection": FAST,
            },
            "hk": hk_feed(hk),
        }
        staleness = {"us_seconds": 0.3, "hk_seconds": 60, "fx_seconds": 60}
        daemon = await run_daemon(write_config(tmp_path, feeds, staleness=staleness), daemons)
        await wait_pair(daemon, lambda p: p["us"]["source"] == "poly_us", "polygon as US source")
        await eventually(lambda: bool(fh.subscriptions), what="backup subscribed")

        # Polygon goes quiet: once the US leg is stale, the backup's print takes over.
        await wait_pair(daemon, lambda p: p["us"]["stale"], "stale US leg")
        await fh.broadcast(
            {"type": "trade", "data": [{"p": 18.50, "s": "PONY", "t": now_ms(), "v": 100}]}
        )
        pair = await wait_pair(daemon, lambda p: p["us"]["source"] == "backup", "failover")
        assert pair["us"]["price_basis"] == "last"
        assert pair["premium"]["mid"] == pytest.approx(
            18.50 * (FX_BID + FX_ASK) / 2 / HK_MID - 1, rel=1e-9
        )

        # Polygon is back: the preferred source wins again.
        await us.broadcast(quote(18.60, 18.62))
        pair = await wait_pair(daemon, lambda p: p["us"]["source"] == "poly_us", "failback")
        assert pair["premium"]["mid"] == pytest.approx(
            18.61 * (FX_BID + FX_ASK) / 2 / HK_MID - 1, rel=1e-9
        )
