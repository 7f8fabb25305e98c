"""Firing alerts whose rule went away are resolved at restart; a repeat never says "n/a"."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
from tests.support.notify import FakeTime, Receiver
from tests.support.polling import eventually


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver(respond=lambda _: web.Response(status=200))
    await r.start()
    yield r
    await r.stop()


class Market:
    def __init__(self) -> None:
        self.mid: float | None = 0.03

    def snapshot(self, now: int) -> MarketSnapshot:
        return snapshot(pair_view(mid=self.mid, now=now), now=now)


def rule(**extra: Any) -> dict[str, Any]:
    return {"kind": "premium", "threshold": "2%", "for_seconds": 0, "severity": "critical", **extra}


def build(
    tmp_path: Path, receiver: Receiver, ft: FakeTime, market: Market, rules: dict[str, Any]
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
    config = AlertsConfig.model_validate({"state_dir": str(tmp_path / "alerts"), "rules": rules})
    alerts = AlertService(config, market.snapshot, lambda: [feed()], notify, clock=ft.wall_ns)
    return alerts, notify


def alerts_of(receiver: Receiver) -> list[dict[str, Any]]:
    return [a for r in receiver.requests for a in r.json()["alerts"]]


async def fire(tmp_path: Path, receiver: Receiver, ft: FakeTime, market: Market) -> None:
    alerts, notify = build(tmp_path, receiver, ft, market, {"premium_high": rule()})
    await notify.start()
    await alerts.start()
    try:
        await alerts.evaluate_once()
        await eventually(lambda: notify.stats()["desk"].sent == 1, what="the firing page")
    finally:
        await alerts.close()
        await notify.close(drain_seconds=1)


@pytest.mark.parametrize(
    "rules",
    [
        {"premium_rich": rule()},  # renamed
        {},  # removed
        {"premium_high": rule(enabled=False)},  # disabled
    ],
    ids=["renamed", "removed", "disabled"],
)
async def test_a_firing_alert_whose_rule_went_away_is_resolved_at_restart(
    tmp_path: Path, receiver: Receiver, rules: dict[str, Any]
) -> None:
    ft, market = FakeTime(), Market()
    await fire(tmp_path, receiver, ft, market)
    [fired] = alerts_of(receiver)

    alerts, notify = build(tmp_path, receiver, ft, market, rules)
    await notify.start()
    try:
        await alerts.start()
        await eventually(lambda: notify.stats()["desk"].sent == 1, what="the resolve")
        assert [a["rule"] for a in alerts.api_alerts()] in ([], ["premium_rich"])
    finally:
        await alerts.close()
        await notify.close(drain_seconds=1)
    resolved = alerts_of(receiver)[1]
    assert resolved["status"] == "resolved"
    assert resolved["fingerprint"] == fired["fingerprint"]
    assert resolved["startsAt"] == fired["startsAt"]
    assert resolved["labels"]["severity"] == "critical"
    assert "rule no longer configured" in resolved["annotations"]["description"]

    # Another restart sends nothing more: the orphan is gone from the saved state.
    alerts3, _ = build(tmp_path, receiver, ft, market, rules)
    await alerts3.start()
    assert alerts3.evaluator.orphans == [] and alerts3.transitions_total == 0


async def test_an_alert_whose_pair_left_the_rule_is_resolved_by_the_first_evaluation(
    tmp_path: Path, receiver: Receiver
) -> None:
    ft, market = FakeTime(), Market()
    await fire(tmp_path, receiver, ft, market)
    narrowed = {"premium_high": rule(pairs=["OTHER"])}
    alerts, notify = build(tmp_path, receiver, ft, market, narrowed)
    await notify.start()
    try:
        await alerts.start()
        await alerts.evaluate_once()
        await eventually(lambda: notify.stats()["desk"].sent == 1, what="the resolve")
    finally:
        await alerts.close()
        await notify.close(drain_seconds=1)
    assert [a["status"] for a in alerts_of(receiver)] == ["firing", "resolved"]
    assert alerts.api_alerts() == []


async def test_a_repeat_while_the_input_is_stale_says_stale_with_the_last_value(
    tmp_path: Path, receiver: Receiver
) -> None:
    ft, market = FakeTime(), Market()
    rules = {"premium_high": rule(repeat_seconds=60)}
    alerts, notify = build(tmp_path, receiver, ft, market, rules)
    await notify.start()
    await alerts.start()
    try:
        await alerts.evaluate_once()  # fires at +3.00 %
        market.mid = None  # an input goes stale: the premium is unknown
        for _ in range(61):
            ft.mono += 1
            await alerts.evaluate_once()
        await eventually(lambda: notify.stats()["desk"].sent == 2, what="firing and repeat")
        [api] = alerts.api_alerts()
    finally:
        await alerts.close()
        await notify.close(drain_seconds=1)
    repeat = alerts_of(receiver)[1]
    summary = repeat["annotations"]["summary"]
    assert "n/a" not in summary
    assert "input stale, last mid premium +3.00 % (+300 bp)" in summary
    assert "Still firing, input stale" in repeat["annotations"]["description"]
    assert repeat["annotations"]["value"] == ""
    assert api["stale"] is True and api["value"] == 0.03


async def test_a_restart_after_a_long_downtime_with_stale_input_never_pages_n_a(
    tmp_path: Path, receiver: Receiver
) -> None:
    ft, market = FakeTime(), Market()
    rules = {"premium_high": rule(repeat_seconds=60)}
    await fire(tmp_path, receiver, ft, market)
    ft.mono += 3600  # an hour down; the premium is not known yet after the restart
    market.mid = None
    alerts, notify = build(tmp_path, receiver, ft, market, rules)
    await notify.start()
    try:
        await alerts.start()
        await alerts.evaluate_once()
        await eventually(lambda: notify.stats()["desk"].sent == 1, what="the repeat")
    finally:
        await alerts.close()
        await notify.close(drain_seconds=1)
    summary = alerts_of(receiver)[1]["annotations"]["summary"]
    assert "n/a" not in summary
    assert "input stale, last mid premium +3.00 % (+300 bp)" in summary
