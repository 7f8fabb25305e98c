"""``dlmon status`` against the daemon's real HTTP app (served from a thread) and against
nothing at all."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web
from prometheus_client.registry import CollectorRegistry

import monitor.app.status as status
from monitor.app.status import bp
from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair
from monitor.core.sessions import SessionCalendar
from monitor.expose.server import ServerState, create_app
from monitor.feeds.base import FeedHealth, FeedState
from tests.support.cli import run_cli
from tests.support.net import free_port
from tests.support.oracle import mid_premium

T0 = 1_790_000_000_000_000_000
S = 1_000_000_000


def state() -> ServerState:
    pair = Pair(
        "PONY",
        Instrument("PONY", "XNAS", "USD"),
        Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        1.0,
    )
    engine = Engine([pair], SessionCalendar("always_open"))
    engine.on_event(Quote("PONY", 15.2, 100, 15.22, 100, T0, T0, "sim"))
    engine.on_event(Quote("2026.HK", 118.4, 100, 118.5, 100, T0, T0, "sim"))
    engine.on_event(FxQuote("USDHKD", 7.781, 7.7812, T0, T0, "sim"))
    down = FeedHealth("backup", FeedState.BACKOFF)
    down.reason = "connection refused"
    return ServerState(
        registry=CollectorRegistry(auto_describe=False),
        snapshot=lambda: engine.snapshot(T0 + 2 * S),
        feeds=lambda: [FeedHealth("sim", FeedState.STREAMING), down],
        alive=lambda: True,
        version="test",
        alerts=lambda: [
            {"rule": "rich", "pair": "PONY", "severity": "warning", "summary": "premium high"}
        ],
    )


@pytest.fixture
def daemon_url() -> Iterator[str]:
    """The real aiohttp app on a loopback port, run by a thread's own event loop."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(state()))

    async def start() -> None:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(start(), loop).result(10)
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def test_status_shows_premiums_legs_feeds_and_alerts(
    daemon_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli(capsys, "status", "--url", daemon_url)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    mid = mid_premium(15.21, (7.781 + 7.7812) / 2, 118.45, 1.0)
    assert bp(mid) in out and bp(mid) == f"{mid * 1e4:+.1f} bp"
    for text in ("PONY", "2026.HK", "USDHKD", "2.0 s", "continuous", "backup", "backoff",
                 "connection refused", "warning rich PONY: premium high"):  # fmt: skip
        assert text in out, text


def test_status_says_in_one_line_when_no_daemon_answers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = run_cli(capsys, "status", "--url", url)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"dlmon: no dlmon daemon at {url}/api/v1/pairs (")
    assert result.stderr.count("\n") == 1


def test_watch_redraws_until_ctrl_c_and_waits_for_an_absent_daemon(
    daemon_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []
    real_fetch = status.fetch
    sequence = iter([f"http://127.0.0.1:{free_port()}", daemon_url])
    monkeypatch.setattr(status, "fetch", lambda _url: real_fetch(next(sequence)))
    rounds = iter([None, KeyboardInterrupt()])

    def sleep(seconds: float) -> None:
        drawn.append(capsys.readouterr().out)
        if isinstance(error := next(rounds), BaseException):
            raise error

    monkeypatch.setattr(status.time, "sleep", sleep)
    monkeypatch.setenv("COLUMNS", "200")
    result = run_cli(capsys, "status", "--url", "unused", "--watch")

    assert result.returncode == 0
    assert "no dlmon daemon at" in drawn[0] and "retrying every 1 s" in drawn[0]
    assert "PONY" in drawn[1] and "premium high" in drawn[1]
