"""Inhibition end to end: a stale leg or a down feed mutes the pair's premium pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from monitor.alerts.service import AlertService, Mute
from monitor.core.snapshot import MarketSnapshot
from monitor.feeds.base import FeedHealth
from monitor.notify.models import Notice
from monitor.settings.alerts import AlertsConfig
from tests.support.alert_snapshots import feed, leg, pair_view, snapshot
from tests.support.notify import FakeTime


class Recorder:
    """A notifier that records what would be sent to its one sink, ``desk``."""

    def __init__(self) -> None:
        self.sent: list[Notice] = []
        self.muted: list[Notice] = []

    def notify(self, notice: Notice, mute: Mute | None = None) -> list[str]:
        if mute is not None and mute("desk"):
            self.muted.append(notice)
            return []
        self.sent.append(notice)
        return ["desk"]

    async def flush(self) -> None:
        return None

    def resync(self, notices: list[Notice]) -> None:
        return None


class Market:
    def __init__(self) -> None:
        self.hk_stale = False
        self.feed_up = True

    def snapshot(self, now: int) -> MarketSnapshot:
        hk = leg("2026.HK", "XHKG", 139.1, 139.2, now=now, stale=self.hk_stale, age_s=90)
        views = [pair_view(mid=0.03, now=now, hk=hk), pair_view(mid=0.03, now=now, pair="XPEV")]
        return snapshot(*views, now=now)

    def feeds(self) -> list[FeedHealth]:
        return [feed("sim", up=self.feed_up)]


def service(tmp_path: Path, market: Market, ft: FakeTime, **extra: Any) -> AlertService:
    config = AlertsConfig.model_validate(
        {
            "state_dir": str(tmp_path),
            "rules": {
                "premium_high": {"kind": "premium", "threshold": "2%", "for_seconds": 0},
                "leg_stale": {"kind": "stale_leg", "legs": ["hk"], "for_seconds": 30},
                "feed_down": {"kind": "feed_down", "for_seconds": 30},
            },
            **extra,
        }
    )
    return AlertService(config, market.snapshot, market.feeds, Recorder(), clock=ft.wall_ns)


async def test_a_stale_leg_mutes_its_pairs_premium_even_before_the_stale_alert_fires(
    tmp_path: Path,
) -> None:
    ft, market = FakeTime(), Market()
    market.hk_stale = True
    alerts = service(tmp_path, market, ft)
    await alerts.evaluate_once()
    notifier = alerts.notifier
    assert isinstance(notifier, Recorder)
    assert [(n.rule, n.pair) for n in notifier.sent] == [("premium_high", "XPEV")]
    assert [(n.rule, n.pair) for n in notifier.muted] == [("premium_high", "PONY")]
    api = {a["pair"]: a for a in alerts.api_alerts()}
    assert api["PONY"]["inhibited_by"] == ["leg_stale PONY:hk (pending)"]
    assert api["XPEV"]["inhibited_by"] == []


async def test_a_down_feed_mutes_the_premium_of_every_pair_it_serves(tmp_path: Path) -> None:
    ft, market = FakeTime(), Market()
    market.feed_up = False
    alerts = service(tmp_path, market, ft)
    await alerts.evaluate_once()
    notifier = alerts.notifier
    assert isinstance(notifier, Recorder)
    assert notifier.sent == []
    assert sorted(n.pair for n in notifier.muted) == ["PONY", "XPEV"]


async def test_inhibition_can_be_configured_off(tmp_path: Path) -> None:
    ft, market = FakeTime(), Market()
    market.hk_stale = True
    alerts = service(tmp_path, market, ft, inhibit_rules=[])
    await alerts.evaluate_once()
    notifier = alerts.notifier
    assert isinstance(notifier, Recorder)
    assert sorted(n.pair for n in notifier.sent) == ["PONY", "XPEV"]
