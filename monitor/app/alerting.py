"""The alerting stack of the daemon: the alert service and the notification service."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog

from monitor.alerts.service import AlertService, FeedsFn, SnapshotFn
from monitor.alerts.silences import Silences
from monitor.errors import ConfigError
from monitor.notify.service import NotifyService
from monitor.settings.root import Settings

log = structlog.get_logger(__name__)


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


def unrouted_rules(settings: Settings) -> list[str]:
    """Rules none of whose alerts any route or ``default_sinks`` sends anywhere (only
    meaningful with routes; feed alerts have no pair, FX band alerts their FX pair)."""
    notify = settings.notify
    if not notify.routes or notify.default_sinks or not notify.sinks:
        return []
    out = []
    for name, rule in settings.alerts.rules.items():
        if not rule.enabled:
            continue
        pairs = list(rule.pairs or settings.pairs) + ["", "USDHKD"]
        labels = [
            {**rule.labels, "alertname": name, "rule": name, "pair": p, "severity": rule.severity}
            for p in pairs
        ]
        if not any(
            route.matches(rule.severity, lab["pair"], name) and route.labels_match(lab)
            for route in notify.routes
            for lab in labels
        ):
            out.append(name)
    return out


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
    for rule in unrouted_rules(settings):
        log.warning(
            "alert_rule_unrouted",
            rule=rule,
            hint="no notify.routes entry matches it and no default_sinks: its alerts go nowhere",
        )
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
