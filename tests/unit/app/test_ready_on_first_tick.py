"""The built-in simulator config is ready on the market clock's first snapshot: the feeds
start before the clock, so /readyz does not wait for the next snapshot interval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from monitor.app.build import load
from monitor.app.daemon import Daemon
from monitor.core.snapshot import MarketSnapshot
from monitor.expose.api import readiness
from tests.support.polling import eventually


def slow_clock(tmp_path: Path) -> Any:
    """The built-in config on a free port, state in ``tmp_path``, a snapshot a minute."""

    def edit(raw: dict[str, Any]) -> dict[str, Any]:
        server = {**raw.get("server", {}), "port": 0, "snapshot_interval_seconds": 60}
        return {**raw, "server": server, "state_dir": str(tmp_path)}

    return edit


async def test_default_config_is_ready_on_the_first_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    daemon = Daemon(load(None, slow_clock(tmp_path)))
    published: list[MarketSnapshot] = []
    tick = daemon.market.tick

    async def recording_tick() -> MarketSnapshot:
        snapshot = await tick()
        published.append(snapshot)
        return snapshot

    monkeypatch.setattr(daemon.market, "tick", recording_tick)
    await daemon.start()
    try:
        await eventually(lambda: bool(published), what="the first snapshot")
        assert readiness(published[0], list(daemon.feed_health())) == []
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{daemon.port}/readyz") as response:
                assert response.status == 200, await response.text()
    finally:
        await daemon.stop()
