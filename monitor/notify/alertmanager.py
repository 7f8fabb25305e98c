"""Alertmanager as a client: post alerts to one or more Alertmanager instances through
their v2 API (``POST /api/v2/alerts``), the way Prometheus's notifier does.

Unlike a chat sink there is no queue of messages: the client keeps the set of alerts it
knows (firing, and resolved ones for ``resolved_retention_seconds``) and posts the whole
set to every URL on each change and every ``resend_seconds``. A firing alert carries
``endsAt = now + 4 x resend_seconds`` (Prometheus's rule), so Alertmanager resolves it by
itself if every dlmon replica stops; a resolve carries its real end. Replicas with the
same configuration send the same labels, so Alertmanager de-duplicates them, and a
cluster of Alertmanagers notifies once. Each URL is posted independently: one instance
down never delays the others.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import structlog

from monitor.notify.base import JSON_HEADERS, Outcome, dumps, judge_http
from monitor.notify.models import Notice, Status
from monitor.notify.sender import SinkStats
from monitor.notify.webhook import rfc3339
from monitor.settings.notify import AlertmanagerSink

log = structlog.get_logger(__name__)

NS = 1_000_000_000
VALIDITY_RESENDS = 4  # Prometheus: endsAt = now + 4 x max(resend_delay, interval)
VOLATILE_LABELS = frozenset({"basis"})  # may change during an alert: annotations instead


@dataclass(frozen=True, slots=True)
class AmAlert:
    """One alert as Alertmanager receives it."""

    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at_ns: int
    ends_at_ns: int | None  # None while firing
    generator_url: str

    def to_json(self, now_ns: int, validity_ns: int) -> dict[str, Any]:
        ends = self.ends_at_ns if self.ends_at_ns is not None else now_ns + validity_ns
        return {
            "labels": dict(self.labels),
            "annotations": dict(self.annotations),
            "startsAt": rfc3339(self.starts_at_ns),
            "endsAt": rfc3339(ends),
            "generatorURL": self.generator_url,
        }


def am_alert(notice: Notice, generator_url: str | None = None) -> AmAlert:
    """The Alertmanager alert of ``notice``: identity labels (the same on every replica)
    and the message as annotations."""
    labels = {k: v for k, v in notice.labels.items() if k not in VOLATILE_LABELS}
    labels |= {"alertname": notice.rule, "severity": notice.severity}
    if notice.pair:
        labels["pair"] = notice.pair
    subject = notice.annotations.get("subject", "")
    if subject and subject != notice.pair:
        labels["subject"] = subject
    annotations = {k: v for k, v in notice.annotations.items() if v and k != "subject"}
    annotations |= {k: v for k, v in notice.labels.items() if k in VOLATILE_LABELS}
    annotations |= {"summary": notice.title, "description": "\n".join(notice.lines)}
    resolved = notice.status is Status.RESOLVED
    ends = (notice.ends_at_ns or notice.created_ns) if resolved else None
    return AmAlert(
        labels=labels,
        annotations=annotations,
        starts_at_ns=notice.starts_at_ns,
        ends_at_ns=ends,
        generator_url=generator_url or notice.url or "",
    )


class AlertmanagerClient:
    """The alerts of one ``alertmanager`` sink and the task that posts them."""

    kind = "alertmanager"

    def __init__(
        self,
        name: str,
        config: AlertmanagerSink,
        session: Callable[[], aiohttp.ClientSession],
        wall_ns: Callable[[], int],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.name = name
        self.config = config
        self.stats = SinkStats()
        self.url_errors: dict[str, str] = {}  # url -> last error ("" once it works again)
        self._session = session
        self._wall_ns = wall_ns
        self._sleep = sleep
        self._alerts: dict[str, AmAlert] = {}  # fingerprint -> latest
        self._wake = asyncio.Event()
        self._headers = dict(JSON_HEADERS)
        if config.bearer_token is not None:
            self._headers["Authorization"] = f"Bearer {config.bearer_token.get_secret_value()}"

    @property
    def pending(self) -> int:
        return len(self._alerts)

    def update(self, notice: Notice) -> None:
        """Take a firing, repeat or resolve notice into the set and post soon (O(1))."""
        self._alerts[notice.fingerprint] = am_alert(notice, self.config.generator_url)
        self.stats.spool_depth = len(self._alerts)
        self._wake.set()

    def sync(self, notices: Sequence[Notice]) -> None:
        """Add the alerts firing at start-up (restored state) without a page of their own."""
        for notice in notices:
            self._alerts.setdefault(notice.fingerprint, am_alert(notice, self.config.generator_url))
        self.stats.spool_depth = len(self._alerts)
        if notices:
            self._wake.set()

    def payload(self, now_ns: int) -> list[dict[str, Any]]:
        """Every known alert, as the body of ``POST /api/v2/alerts``."""
        validity = int(VALIDITY_RESENDS * self.config.resend_seconds * NS)
        return [a.to_json(now_ns, validity) for a in self._alerts.values()]

    def _prune(self, now_ns: int) -> None:
        horizon = now_ns - int(self.config.resolved_retention_seconds * NS)
        for fp in [f for f, a in self._alerts.items() if a.ends_at_ns and a.ends_at_ns < horizon]:
            del self._alerts[fp]
        self.stats.spool_depth = len(self._alerts)

    async def run(self) -> None:
        """Post on every change and every ``resend_seconds`` until cancelled."""
        while True:
            self._wake.clear()
            now = self._wall_ns()
            self._prune(now)
            if self._alerts:
                await self.post_all(self.payload(now))
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.config.resend_seconds)
            except TimeoutError:
                pass

    async def post_all(self, alerts: list[dict[str, Any]]) -> list[Outcome]:
        """Post ``alerts`` to every URL at once; count and log each outcome."""
        body = dumps(alerts)
        outcomes = await asyncio.gather(*(self._post(url, body) for url in self.config.urls))
        for url, outcome in zip(self.config.urls, outcomes, strict=True):
            if outcome.ok:
                self.stats.messages += 1
                self.stats.sent += len(alerts)
                self.stats.last_success_ns = self._wall_ns()
                if self.url_errors.get(url):
                    log.info("alertmanager_reachable_again", sink=self.name, url=url)
                self.url_errors[url] = ""
            else:
                self.stats.attempt_errors += 1
                self.stats.last_error = f"{url}: {outcome.reason}"
                if self.url_errors.get(url) != outcome.reason:
                    log.warning(
                        "alertmanager_post_failed", sink=self.name, url=url, reason=outcome.reason
                    )
                self.url_errors[url] = outcome.reason
        self.stats.last_attempt_ok = any(o.ok for o in outcomes)
        return list(outcomes)

    async def _post(self, base: str, body: bytes) -> Outcome:
        try:
            async with asyncio.timeout(self.config.timeout_seconds):
                async with self._session().post(
                    f"{base}/api/v2/alerts", data=body, headers=self._headers
                ) as resp:
                    await resp.read()
                    return judge_http(resp.status, resp.headers) or Outcome(ok=True)
        except TimeoutError:
            return Outcome(ok=False, reason="timeout")
        except aiohttp.ClientError as exc:
            return Outcome(ok=False, reason=type(exc).__name__)

    async def send_once(self, notice: Notice) -> Outcome:
        """Post one alert now to every URL (``dlmon test-alert``); ok if any accepted it."""
        outcomes = await self.post_all([am_alert(notice).to_json(self._wall_ns(), 300 * NS)])
        return next((o for o in outcomes if o.ok), outcomes[0])
