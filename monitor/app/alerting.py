"""The alerting stack of the daemon: the alert service and the notification service."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import aiohttp

from monitor.alerts.service import AlertService, FeedsFn, SnapshotFn
from monitor.alerts.silences import Silences
from monitor.errors import ConfigError
from monitor.notify.service import NotifyService
from monitor.settings.root import Settings


@dataclass(slots=True)
class Alerting:
    """The alert service and the notification service, started and stopped together.

    Lifecycle: ``await start()``, run ``run()`` as a supervised task, ``await close()``
    after the feeds stopped (it saves alert state and drains queues with a deadline,
    leaving the rest in the spool for the next start).
    """

    alerts: AlertService
    notify: NotifyService

    async def start(self) -> None:
        await self.notify.start()
        await self.alerts.start()

    async def run(self) -> None:
        await self.alerts.run()

    async def close(self) -> None:
        await self.alerts.close()
        await self.notify.close()

    def api_alerts(self, states: Collection[str] = ("firing",)) -> list[dict[str, Any]]:
        """``GET /api/v1/alerts`` body: the alerts in ``states`` (never any secret)."""
        return self.alerts.api_alerts(states)

    def api_sinks(self) -> list[dict[str, Any]]:
        """``GET /api/v1/sinks`` body: each sink's health, last error, queue and spool."""
        return self.notify.api_sinks()

    @property
    def silences(self) -> Silences:
        return self.alerts.silences

    def now(self) -> int:
        return self.alerts.now()


def check_rule_pairs(settings: Settings) -> None:
    """Raise :class:`ConfigError` when a rule names a pair that is not configured."""
    for name, rule in settings.alerts.rules.items():
        unknown = sorted(set(rule.pairs) - set(settings.pairs))
        if unknown:
            raise ConfigError(f"alerts.rules.{name}.pairs: unknown pair(s) {', '.join(unknown)}")


def build_alerting(
    settings: Settings,
    snapshot_fn: SnapshotFn,
    feeds_fn: FeedsFn,
    *,
    clock: Callable[[], int] = time.time_ns,
    session: aiohttp.ClientSession | None = None,
) -> Alerting:
    """Wire alerting from ``settings``; ``snapshot_fn(now_ns)`` is the engine's snapshot and
    ``clock`` the daemon's clock (recorded time under replay)."""
    check_rule_pairs(settings)
    notify = NotifyService(settings.notify, session=session)
    alerts = AlertService(
        settings.alerts,
        snapshot_fn,
        feeds_fn,
        notify,
        dashboard_url=settings.alert_dashboard_url,
        clock=clock,
    )
    return Alerting(alerts=alerts, notify=notify)
