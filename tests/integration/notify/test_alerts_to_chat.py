"""Alerts end to end: evaluation -> notices -> local chat receiver; restart semantics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from monitor.alerts.service import AlertService
from monitor.core.snapshot import MarketSnapshot
from monitor.notify.service import NotifyService
from monitor.settings.alerts import AlertsConfig
from monitor.settings.notify import NotifyConfig
from tests.support.alert_snapshots import feed, pair_view, snapshot
from tests.support.notify import NS, FakeTime, Receiver
from tests.support.polling import eventually


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver(respond=lambda _: web.Response(status=200))
    await r.start()
    yield r
    await r.stop()


class Market:
    """A premium the test moves by hand, and a clock."""

    def __init__(self, ft: FakeTime) -> None:
        self.ft = ft
        self.mid = 0.01

    def snapshot(self, now: int) -> MarketSnapshot:
        return snapshot(pair_view(mid=self.mid, now=now), now=now)


def alerts_config(tmp_path: Path) -> AlertsConfig:
    return AlertsConfig.model_validate(
        {
            "state_dir": str(tmp_path / "alerts"),
            "dashboard_url": "https://grafana.example/d/dlmon?var-pair={pair}",
            "rules": {
                "premium_high": {
                    "kind": "premium",
                    "threshold": "2%",
                    "clear": "1.9%",
                    "for_seconds": 3,
                    "clear_for_seconds": 30,
                    "severity": "critical",
                }
            },
        }
    )


def build(
    tmp_path: Path, receiver: Receiver, ft: FakeTime, market: Market
) -> tuple[AlertService, NotifyService]:
    notify = NotifyService(
        NotifyConfig.model_validate(
            {
                "sinks": {"desk": {"type": "webhook", "url": receiver.url("/hook")}},
                "spool_dir": str(tmp_path / "spool"),
            }
        ),
        wall_ns=ft.wall_ns,
        monotonic=ft.monotonic,
        sleep=ft.sleep,
    )
    alerts = AlertService(
        alerts_config(tmp_path), market.snapshot, lambda: [feed()], notify, clock=ft.wall_ns
    )
    return alerts, notify


def statuses(receiver: Receiver) -> list[str]:
    return [a["status"] for r in receiver.requests for a in r.json()["alerts"]]


async def test_oscillating_premium_pages_once_and_restart_neither_repages_nor_forgets(
    tmp_path: Path, receiver: Receiver
) -> None:
    ft = FakeTime()
    market = Market(ft)
    alerts, notify = build(tmp_path, receiver, ft, market)
    await notify.start()
    await alerts.start()
    try:
        for i in range(120):  # two minutes of a premium flapping across the 2 % line
            market.mid = 0.0215 if i % 5 else 0.0195  # 4 s above (for_seconds 3), 1 s below
            await alerts.evaluate_once()
            ft.mono += 1
        await eventually(lambda: notify.stats()["desk"].sent == 1)
    finally:
        await notify.close(drain_seconds=1)
    assert statuses(receiver) == ["firing"]
    [fired] = receiver.requests[0].json()["alerts"]
    assert fired["generatorURL"] == "https://grafana.example/d/dlmon?var-pair=PONY"
    assert [a["rule"] for a in alerts.api_alerts()] == ["premium_high"]
    await alerts.close()

    # Restart: same state dir. Still firing, no second page.
    alerts2, notify2 = build(tmp_path, receiver, ft, market)
    await notify2.start()
    try:
        await alerts2.start()
        assert [a["pair"] for a in alerts2.api_alerts()] == ["PONY"]
        market.mid = 0.025
        for _ in range(10):
            await alerts2.evaluate_once()
            ft.mono += 1
        assert statuses(receiver) == ["firing"]

        market.mid = 0.015  # back below the clear level for longer than clear_for_seconds
        for _ in range(35):
            await alerts2.evaluate_once()
            ft.mono += 1
        await eventually(lambda: notify2.stats()["desk"].sent == 1)
    finally:
        await notify2.close(drain_seconds=1)
    assert statuses(receiver) == ["firing", "resolved"]
    assert alerts2.api_alerts() == []
    resolved = receiver.requests[1].json()["alerts"][0]
    assert resolved["fingerprint"] == fired["fingerprint"]
    assert resolved["startsAt"] == fired["startsAt"]
    assert resolved["endsAt"] != "0001-01-01T00:00:00Z"


async def test_api_alerts_shape(tmp_path: Path, receiver: Receiver) -> None:
    ft = FakeTime()
    market = Market(ft)
    market.mid = 0.03
    alerts = AlertService(alerts_config(tmp_path), market.snapshot, list, None, clock=ft.wall_ns)
    await alerts.evaluate_once()
    ft.mono += 5
    await alerts.evaluate_once()
    [item] = alerts.api_alerts()
    assert item == {
        "rule": "premium_high",
        "pair": "PONY",
        "subject": "PONY",
        "severity": "critical",
        "since": "2026-11-18T11:06:40.000+00:00",
        "since_ns": ft.wall_ns() - 5 * NS,
        "value": 0.03,
        "threshold": 0.02,
        "summary": "mid premium +3.00 % (+300 bp) (above +2.00 % (+200 bp))",
        "labels": {"basis": "mid"},
        "fingerprint": item["fingerprint"],
        "stale": False,
        "state": "firing",
        "silenced_by": [],
        "inhibited_by": [],
    }
