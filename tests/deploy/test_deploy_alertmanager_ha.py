"""High availability for real: two dlmon replicas with the same config feed a cluster of
two Alertmanagers (Debian prometheus-alertmanager, peered over 127.0.0.1); a local webhook
counts notifications. One replica and one Alertmanager are killed mid-run; every alert
still reaches the receiver exactly once."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
from aiohttp import web

from tests.support.alertmanager import Cluster, DlmonProcess
from tests.support.notify import Receiver
from tests.support.polling import eventually

PAIRS = ("PONY", "BABA")


@pytest.fixture
async def webhook() -> AsyncIterator[Receiver]:
    receiver = Receiver(respond=lambda _: web.Response(status=200))
    await receiver.start()
    yield receiver
    await receiver.stop()


def firing(receiver: Receiver) -> Counter[tuple[str, str]]:
    """How many times each (alertname, pair) was notified as firing."""
    return Counter(
        (a["labels"]["alertname"], a["labels"].get("pair", ""))
        for r in receiver.requests
        for a in r.json()["alerts"]
        if a["status"] == "firing"
    )


def dlmon_config(directory: Path, alertmanagers: list[str]) -> Path:
    config: dict[str, Any] = {
        "server": {"host": "127.0.0.1", "port": 0},
        "log": {"format": "json"},
        "sessions": {"mode": "always_open"},
        "pairs": {
            "PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1},
            "BABA": {"us": "BABA", "hk": "9988.HK", "ads_ratio": 8},
        },
        "feeds": {
            "sim": {
                "type": "simulator",
                "seed": 7,
                "instruments": ["PONY", "2026.HK", "BABA", "9988.HK", "USDHKD"],
            }
        },
        "alerts": {
            "evaluation_interval_seconds": 0.1,
            "state_dir": "state/alerts",
            "rules": {  # premium always above -50 %: one fires at once, one 8 s later
                "premium_now": {"kind": "premium", "threshold": "-50%", "for_seconds": 0},
                "premium_later": {"kind": "premium", "threshold": "-50%", "for_seconds": 8},
            },
        },
        "notify": {
            "spool_dir": "state/notify",
            "sinks": {"am": {"type": "alertmanager", "urls": alertmanagers, "resend_seconds": 1}},
        },
    }
    path = directory / "dlmon.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


async def notified_probe(url: str, webhook: Receiver, name: str) -> None:
    """Post an alert straight to one Alertmanager and wait until it is notified."""
    async with aiohttp.ClientSession() as session:
        alert = {"labels": {"alertname": name, "pair": "probe"}}
        async with session.post(f"{url}/api/v2/alerts", json=[alert]) as resp:
            assert resp.status == 200, await resp.text()
    await eventually(lambda: (name, "probe") in firing(webhook), within=20, what=name)


async def test_two_replicas_two_alertmanagers_every_alert_exactly_once(
    alertmanager_bin: str, tmp_path: Path, webhook: Receiver
) -> None:
    cluster = Cluster(alertmanager_bin, tmp_path, webhook.url("/hook"))
    replicas: list[DlmonProcess] = []
    try:
        await cluster.start()
        urls = [am.url for am in cluster.members]
        for name in ("a", "b"):  # same config, own working directory (state) each
            cwd = tmp_path / name
            cwd.mkdir()
            replicas.append(DlmonProcess(dlmon_config(cwd, urls), cwd))
        for replica in replicas:
            await replica.start()

        now = {("premium_now", p) for p in PAIRS}
        await eventually(lambda: now <= set(firing(webhook)), within=30, what="first pages")
        # Mid-incident, a replica crashes (SIGKILL) ...
        replicas[0].kill()
        survivor = cluster.members[1].url
        # ... and, once the notification log has been gossiped (a probe notified after
        # the pages; gossip runs every 50 ms), so does an Alertmanager. Killed within
        # milliseconds of a notification, a peer may not have heard of it yet: Alertmanager
        # clusters deliver at least once, exactly once when peers have gossiped.
        await notified_probe(survivor, webhook, "Probe1")
        cluster.members[0].kill()

        later = {("premium_later", p) for p in PAIRS}
        await eventually(lambda: later <= set(firing(webhook)), within=30, what="later pages")
        # A duplicate would come from a peer's delayed flush (peer timeout) or a group
        # interval; a probe posted now and notified spans both.
        await notified_probe(survivor, webhook, "Probe2")
        assert replicas[1].proc is not None and replicas[1].proc.returncode is None  # alive
    finally:
        for replica in replicas:
            await replica.stop()
        await cluster.stop()
    counts = firing(webhook)
    assert {k: v for k, v in counts.items() if k[1] != "probe"} == dict.fromkeys(now | later, 1)
