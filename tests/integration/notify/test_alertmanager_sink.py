"""The ``alertmanager`` sink against local servers speaking Alertmanager's v2 API."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from monitor.alerts.service import AlertService
from monitor.core.snapshot import MarketSnapshot
from monitor.notify.service import NotifyService
from monitor.settings.alerts import AlertsConfig
from monitor.settings.notify import NotifyConfig
from tests.support.alert_snapshots import feed, pair_view, snapshot
from tests.support.notify import Receiver
from tests.support.polling import eventually

NS = 1_000_000_000


@pytest.fixture
async def alertmanagers() -> AsyncIterator[tuple[Receiver, Receiver, Receiver]]:
    up = Receiver(respond=lambda _: web.Response(status=200))
    down = Receiver(respond=lambda _: web.Response(status=503))
    chat = Receiver(respond=lambda _: web.Response(status=200))
    for r in (up, down, chat):
        await r.start()
    yield up, down, chat
    for r in (up, down, chat):
        await r.stop()


class Market:
    def __init__(self) -> None:
        self.mid = 0.03

    def snapshot(self, now: int) -> MarketSnapshot:
        return snapshot(pair_view(mid=self.mid, now=now), now=now)


def build(
    tmp_path: Path, up: Receiver, down: Receiver, chat: Receiver, market: Market
) -> tuple[AlertService, NotifyService]:
    notify = NotifyService(
        NotifyConfig.model_validate(
            {
                "spool_dir": str(tmp_path / "spool"),
                "sinks": {
                    "am": {
                        "type": "alertmanager",
                        "urls": [up.url(""), down.url("")],
                        "resend_seconds": 0.2,
                    },
                    "desk": {"type": "webhook", "url": chat.url("/hook")},
                },
            }
        )
    )
    config = AlertsConfig.model_validate(
        {
            "state_dir": str(tmp_path / "alerts"),
            "dashboard_url": "https://grafana.example/d/dlmon?var-pair={pair}",
            "rules": {
                "premium_high": {
                    "kind": "premium",
                    "threshold": "2%",
                    "for_seconds": 0,
                    "clear_for_seconds": 0,
                    "severity": "critical",
                    "labels": {"team": "arb"},
                }
            },
        }
    )
    alerts = AlertService(config, market.snapshot, lambda: [feed()], notify)
    return alerts, notify


def posted(r: Receiver) -> list[list[dict[str, Any]]]:
    return [req.json() for req in r.requests if req.path == "/api/v2/alerts"]


def ns(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * NS)


async def test_alerts_are_posted_to_every_instance_resent_and_resolved_with_ends_at(
    tmp_path: Path, alertmanagers: tuple[Receiver, Receiver, Receiver]
) -> None:
    up, down, chat = alertmanagers
    market = Market()
    alerts, notify = build(tmp_path, up, down, chat, market)
    await notify.start()
    await alerts.start()
    try:
        await alerts.evaluate_once()
        await eventually(  # the other instance is tried every time too
            lambda: len(posted(up)) >= 3 and len(down.requests) >= 3, what="firing, re-sent"
        )
        [firing] = posted(up)[0]
        assert firing["labels"] == {
            "alertname": "premium_high",
            "pair": "PONY",
            "severity": "critical",
            "team": "arb",
        }
        assert firing["annotations"]["summary"].startswith("PONY · premium_high: mid premium")
        assert firing["annotations"]["basis"] == "mid"  # may change: not an identity label
        assert firing["generatorURL"] == "https://grafana.example/d/dlmon?var-pair=PONY"
        # endsAt: four resend intervals (4 x 0.2 s) after the post, which came at startsAt;
        # not compared with the time now, which a loaded machine moves past it.
        starts, ends = ns(firing["startsAt"]), ns(firing["endsAt"])
        assert starts <= time.time_ns() and starts + NS // 2 < ends <= starts + 2 * NS
        [sink] = [s for s in notify.api_sinks() if s["sink"] == "am"]
        assert sink["instances"] == {up.url(""): "ok", down.url(""): "http 503"}
        assert sink["health"] == "ok"  # one instance took them

        market.mid = 0.01
        await alerts.evaluate_once()
        resolved_at = time.time_ns()
        await eventually(lambda: ns(posted(up)[-1][0]["endsAt"]) <= resolved_at, what="the resolve")
        count = len(posted(up))
        await eventually(lambda: len(posted(up)) >= count + 2, what="the resolve re-sent")
        assert ns(posted(up)[-1][0]["endsAt"]) <= resolved_at
    finally:
        await alerts.close()
        await notify.close(drain_seconds=1)
    assert [a["status"] for r in chat.requests for a in r.json()["alerts"]] == [
        "firing",
        "resolved",
    ]


async def test_a_restart_announces_firing_alerts_again_without_a_chat_page(
    tmp_path: Path, alertmanagers: tuple[Receiver, Receiver, Receiver]
) -> None:
    up, down, chat = alertmanagers
    market = Market()
    alerts, notify = build(tmp_path, up, down, chat, market)
    await notify.start()
    await alerts.start()
    try:
        await alerts.evaluate_once()
        await eventually(lambda: len(chat.requests) == 1 and bool(posted(up)), what="paged")
    finally:
        await alerts.close()
        await notify.close(drain_seconds=1)
    starts = posted(up)[0][0]["startsAt"]
    up.requests.clear()

    alerts2, notify2 = build(tmp_path, up, down, chat, market)
    await notify2.start()
    try:
        await alerts2.start()  # no evaluation: the restored state alone
        await eventually(lambda: bool(posted(up)), what="re-announced")
        [again] = posted(up)[0]
        assert again["startsAt"] == starts and again["labels"]["alertname"] == "premium_high"
    finally:
        await alerts2.close()
        await notify2.close(drain_seconds=1)
    assert len(chat.requests) == 1  # the chat was not paged again
