"""The daemon on the simulator pages a local chat receiver; /api/v1/alerts and /metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import yaml
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from monitor.app.build import load
from monitor.app.daemon import Daemon
from tests.support.notify import Receiver
from tests.support.polling import eventually


async def get_json(port: int, path: str) -> Any:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}{path}") as response:
            assert response.status == 200
            return await response.json()


async def get_metrics(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
            text = await response.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_daemon_fires_notifies_serves_and_persists(tmp_path: Path) -> None:
    receiver = Receiver(respond=lambda _: web.Response(status=200))
    await receiver.start()
    config = {
        "server": {"host": "127.0.0.1", "port": 0},
        "sessions": {"mode": "always_open"},
        "pairs": {"PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1}},
        "feeds": {
            "sim": {"type": "simulator", "seed": 7, "instruments": ["PONY", "2026.HK", "USDHKD"]}
        },
        "dashboard_url": "https://grafana.example/d/dlmon",
        "alerts": {
            "evaluation_interval_seconds": 0.05,
            "state_dir": str(tmp_path / "alerts"),
            "rules": {  # a level the simulated premium is always above: fires at once
                "premium_watch": {"kind": "premium", "threshold": "-50%", "for_seconds": 0}
            },
        },
        "notify": {
            "spool_dir": str(tmp_path / "spool"),
            "sinks": {"desk": {"type": "webhook", "url": receiver.url("/hook")}},
        },
    }
    path = tmp_path / "dlmon.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    daemon = Daemon(load(path))
    await daemon.start()
    try:
        assert daemon.port is not None
        await eventually(lambda: bool(receiver.requests), what="a page")
        [alert] = receiver.requests[0].json()["alerts"]
        assert alert["labels"]["alertname"] == "premium_watch"
        assert alert["status"] == "firing"

        [firing] = await get_json(daemon.port, "/api/v1/alerts")
        assert (firing["rule"], firing["pair"], firing["severity"]) == (
            "premium_watch",
            "PONY",
            "warning",
        )
        assert firing["threshold"] == -0.5 and isinstance(firing["value"], float)

        samples = await get_metrics(daemon.port)
        key = (("pair", "PONY"), ("rule", "premium_watch"))
        assert samples[("dlmon_alerts_firing", key)] == 1.0
        assert samples[("dlmon_notifications_sent_total", (("sink", "desk"),))] >= 1.0
        assert samples[("dlmon_notification_spool_depth", (("sink", "desk"),))] == 0.0
    finally:
        await daemon.stop()
        await receiver.stop()
    state = (tmp_path / "alerts" / "alerts-state.json").read_text(encoding="utf-8")
    assert "premium_watch" in state
