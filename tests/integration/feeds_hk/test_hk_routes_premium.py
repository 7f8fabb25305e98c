"""Each HK route end to end: config file -> Daemon -> feed -> engine -> PONY/2026.HK premium.

The provider boundaries are the same fakes / local servers as the feed tests: a fake
``ib_async.IB`` (patched in as ``ib_async.IB``), a fake OpenD quote context (patched in
as the futu context factory) and a local iTick websocket server.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import ib_async
import pytest
import yaml

from monitor.app.build import load
from monitor.app.daemon import Daemon
from monitor.core.snapshot import PairView
from monitor.feeds.base import FeedState
from monitor.feeds.futu import sdk as futu_sdk
from monitor.feeds.futu.parse import BEIJING
from tests.support.feeds import fast_connection_data
from tests.support.futu_opend import OpenD, order_book_pb, ticker_pb
from tests.support.ib_gateway import Gateway
from tests.support.polling import eventually
from tests.support.servers.itick import ItickServer

PONY_BID, PONY_ASK = 15.01, 15.03
HK_BID, HK_ASK = 118.4, 118.5
FX_BID, FX_ASK = 7.8231, 7.8236
EXPECTED_MID = ((PONY_BID + PONY_ASK) / 2 * (FX_BID + FX_ASK) / 2) / ((HK_BID + HK_ASK) / 2) - 1


def write_config(tmp_path: Path, feeds: dict[str, Any]) -> Path:
    config = {
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


async def start(path: Path, daemons: list[Daemon]) -> Daemon:
    daemon = Daemon(load(path))
    daemons.append(daemon)
    await daemon.start()
    return daemon


def pony(daemon: Daemon) -> PairView:
    return daemon.snapshot().pairs[0]


def has_premium(daemon: Daemon) -> bool:
    return pony(daemon).premium.mid is not None


async def test_ibkr_route_computes_the_premium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, daemons: list[Daemon]
) -> None:
    gateway = Gateway()
    monkeypatch.setattr(ib_async, "IB", gateway.factory)
    path = write_config(
        tmp_path,
        {
            "ib": {
                "type": "ibkr",
                "instruments": ["PONY", "2026.HK", "USDHKD"],
                "port": 4002,
                "market_data_type": "delayed",
                "connection": fast_connection_data(),
            }
        },
    )
    daemon = await start(path, daemons)
    await eventually(lambda: bool(gateway.clients) and len(gateway.current.requested) == 3)
    assert gateway.current.market_data_type == 3
    gateway.send("PONY", (1, PONY_BID, 300), (2, PONY_ASK, 500))
    gateway.send("2026", (1, HK_BID, 2000), (2, HK_ASK, 1500))
    gateway.send("USD", (1, FX_BID, 1e6), (2, FX_ASK, 1e6))
    await eventually(lambda: has_premium(daemon), what="premium from IB")
    view = pony(daemon)
    assert view.premium.mid == pytest.approx(EXPECTED_MID, rel=1e-9)
    assert (view.us.source, view.hk.source, view.fx.source) == ("ib", "ib", "ib")
    # disconnect and reconnect: the premium keeps coming from the new session
    gateway.drop()
    await eventually(lambda: len(gateway.clients) == 2 and len(gateway.current.requested) == 3)
    gateway.send("2026", (1, 118.3, 2000), (2, 118.4, 1500))
    await eventually(lambda: pony(daemon).hk.bid == 118.3)
    assert daemon.feeds[0].health.reconnects_total == 1
    # an entitlement error on the HK leg is a feed state, not a crash
    gateway.error(gateway.req_id("2026"), 354, "Requested market data is not subscribed.")
    assert "2026.HK: TWS 354" in daemon.feeds[0].health.reason
    assert daemon.supervisor.alive


async def test_futu_route_with_itick_fx_computes_the_premium(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, daemons: list[Daemon]
) -> None:
    opend = OpenD()
    monkeypatch.setattr(futu_sdk, "open_quote_context", opend.factory)
    async with ItickServer() as fx_server:
        path = write_config(
            tmp_path,
            {
                "futu": {
                    "type": "futu",
                    "instruments": ["PONY", "2026.HK"],
                    "connection": fast_connection_data(),
                },
                "fx": {
                    "type": "itick",
                    "market": "forex",
                    "token": "t0k3n",
                    "url": fx_server.url("forex"),
                    "instruments": ["USDHKD"],
                    "types": ["depth"],
                    "connection": fast_connection_data(),
                },
            },
        )
        daemon = await start(path, daemons)
        await eventually(lambda: bool(opend.contexts) and bool(opend.current.subscriptions))
        await eventually(lambda: bool(fx_server.subscribed))
        now_hk = datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        opend.push(
            "order_book", order_book_pb("HK.02026", [(HK_BID, 2000)], [(HK_ASK, 1500)], now_hk)
        )
        opend.push("order_book", order_book_pb("US.PONY", [(PONY_BID, 300)], [(PONY_ASK, 500)]))
        opend.push("ticker", ticker_pb("HK.02026", [(now_hk, 1, HK_ASK, 400, "AUTO_MATCH")]))
        await fx_server.push(fx_depth())
        await eventually(lambda: has_premium(daemon), what="premium from futu + itick fx")
        view = pony(daemon)
        assert view.premium.mid == pytest.approx(EXPECTED_MID, rel=1e-9)
        assert view.hk.last == HK_ASK and view.hk.source == "futu"
        opend.drop()
        await eventually(lambda: len(opend.contexts) == 2 and bool(opend.current.subscriptions))
        opend.push("order_book", order_book_pb("HK.02026", [(118.3, 100)], [(118.4, 100)]))
        await eventually(lambda: pony(daemon).hk.bid == 118.3)


async def test_itick_route_computes_the_premium(tmp_path: Path, daemons: list[Daemon]) -> None:
    async with ItickServer() as server:
        common = {"token": "t0k3n", "connection": fast_connection_data()}
        path = write_config(
            tmp_path,
            {
                "itick": {
                    "type": "itick",
                    "url": server.url("stock"),
                    "instruments": ["PONY", "2026.HK"],
                    **common,
                },
                "itick_fx": {
                    "type": "itick",
                    "market": "forex",
                    "url": server.url("forex"),
                    "instruments": ["USDHKD"],
                    "types": ["depth"],
                    **common,
                },
            },
        )
        daemon = await start(path, daemons)
        await eventually(lambda: len(server.subscribed) == 2)
        await server.push(depth("2026.HK", HK_BID, HK_ASK))
        await server.push(depth("PONY.US", PONY_BID, PONY_ASK))
        await server.push(fx_depth())
        await eventually(lambda: has_premium(daemon), what="premium from itick")
        assert pony(daemon).premium.mid == pytest.approx(EXPECTED_MID, rel=1e-9)
        await server.drop()
        await eventually(lambda: all(f.health.reconnects_total >= 1 for f in daemon.feeds))
        await eventually(lambda: all(f.health.state is FeedState.STREAMING for f in daemon.feeds))
        await server.push(depth("2026.HK", 118.3, 118.4))
        await eventually(lambda: pony(daemon).hk.bid == 118.3)
        # an off-grid HK price (HK$0.10 tick at HK$100-200) is flagged by the core
        await server.push(depth("2026.HK", 118.35, 118.4))
        await eventually(lambda: daemon.engine.flags.get(("2026.HK", "off_tick_grid"), 0) == 1)


def depth(symbol: str, bid: float, ask: float) -> dict[str, Any]:
    return {
        "code": 1,
        "data": {
            "s": symbol,
            "a": [{"po": 1, "p": ask, "v": 1500, "o": 2}],
            "b": [{"po": 1, "p": bid, "v": 2000, "o": 3}],
            "t": time.time_ns() // 1_000_000,
            "type": "depth",
        },
    }


def fx_depth() -> dict[str, Any]:
    return depth("USDHKD", FX_BID, FX_ASK)
