"""Alertmanager config: amtool validation, routing tree, and inhibition on a real Alertmanager."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web

from tests.support.deploy import DEPLOY
from tests.support.net import free_port

CONFIG = DEPLOY / "alertmanager" / "alertmanager.yml"


def routes_for(amtool: str, *labels: str) -> str:
    result = subprocess.run(
        [amtool, "config", "routes", "test", f"--config.file={CONFIG}", *labels],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_config_passes_amtool_check_config(amtool: str) -> None:
    result = subprocess.run(
        [amtool, "check-config", str(CONFIG)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_premium_alerts_go_to_slack_and_webhook(amtool: str) -> None:
    got = routes_for(amtool, "alertname=DlmonPremiumHigh", "category=premium", "pair=PONY")
    assert got == "slack-premium,webhook"


def test_critical_alerts_go_to_ops_and_webhook(amtool: str) -> None:
    got = routes_for(amtool, "alertname=DlmonDown", "category=ops", "severity=critical")
    assert got == "slack-ops,webhook"


def test_other_alerts_go_to_the_webhook(amtool: str) -> None:
    got = routes_for(amtool, "alertname=DlmonUsdHkdNearWeakSide", "category=fx", "severity=info")
    assert got == "webhook"


class WebhookSink:
    """A local receiver of Alertmanager's webhook payloads."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.payloads.append(await request.json())
        return web.Response(text="ok")

    def alert_labels(self) -> list[dict[str, str]]:
        return [a["labels"] for p in self.payloads for a in p["alerts"]]


@pytest.fixture
async def webhook() -> AsyncIterator[tuple[WebhookSink, str]]:
    sink = WebhookSink()
    app = web.Application()
    app.router.add_post("/alertmanager", sink.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    yield sink, f"http://127.0.0.1:{port}/alertmanager"
    await runner.cleanup()


def local_config(tmp_path: Path, webhook_url: str) -> Path:
    """Return a copy of the shipped config with the webhook on 127.0.0.1 and no waiting."""
    config = yaml.safe_load(CONFIG.read_text())
    for receiver in config["receivers"]:
        for hook in receiver.get("webhook_configs", []):
            hook["url"] = webhook_url
    stack = [config["route"]]
    while stack:
        route = stack.pop()
        if "group_wait" in route or route is config["route"]:
            route["group_wait"] = "0s"
        stack.extend(route.get("routes", []))
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump(config))
    return path


async def wait_ready(
    session: aiohttp.ClientSession, base: str, proc: asyncio.subprocess.Process
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while loop.time() < deadline:
        assert proc.returncode is None, "alertmanager exited early"
        try:
            async with session.get(f"{base}/-/ready") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("alertmanager did not become ready within 20 s")


def delivered(sink: WebhookSink) -> set[tuple[str, str]]:
    return {(a["alertname"], a["pair"]) for a in sink.alert_labels()}


async def wait_delivered(sink: WebhookSink, expected: set[tuple[str, str]]) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20
    while not expected <= delivered(sink):
        assert loop.time() < deadline, f"not delivered within 20 s: {expected - delivered(sink)}"
        await asyncio.sleep(0.05)


async def post_alerts(
    session: aiohttp.ClientSession, base: str, alerts: list[dict[str, Any]]
) -> None:
    async with session.post(f"{base}/api/v2/alerts", json=alerts) as resp:
        assert resp.status == 200, await resp.text()


def alert(**labels: str) -> dict[str, Any]:
    return {"labels": {"severity": "warning", "instance": "dlmon:9108", **labels}}


async def test_stale_leg_mutes_premium_alerts_of_the_same_pair_only(
    alertmanager_bin: str, tmp_path: Path, webhook: tuple[WebhookSink, str]
) -> None:
    sink, url = webhook
    config = local_config(tmp_path, url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = await asyncio.create_subprocess_exec(
        alertmanager_bin,
        f"--config.file={config}",
        f"--storage.path={tmp_path / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with aiohttp.ClientSession() as session:
            await wait_ready(session, base, proc)
            # The stale leg first, so the inhibitor knows it before the premium alerts arrive.
            stale = alert(alertname="DlmonLegStale", category="data", pair="PONY", leg="us")
            await post_alerts(session, base, [stale])
            await wait_delivered(sink, {("DlmonLegStale", "PONY")})
            premium = [
                alert(alertname="DlmonPremiumHigh", category="premium", pair=pair, basis="mid")
                for pair in ("PONY", "BABA")
            ]
            await post_alerts(session, base, premium)
            await wait_delivered(sink, {("DlmonPremiumHigh", "BABA")})
            async with session.get(f"{base}/api/v2/alerts") as resp:
                status = {
                    (a["labels"]["alertname"], a["labels"]["pair"]): a["status"]
                    for a in await resp.json()
                }
    finally:
        proc.terminate()
        await proc.wait()

    assert ("DlmonPremiumHigh", "PONY") not in delivered(sink)
    assert status[("DlmonPremiumHigh", "PONY")]["state"] == "suppressed"
    assert status[("DlmonPremiumHigh", "PONY")]["inhibitedBy"]
    assert status[("DlmonPremiumHigh", "BABA")]["state"] == "active"
