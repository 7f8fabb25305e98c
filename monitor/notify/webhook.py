"""Generic JSON webhook in Alertmanager's webhook format (version 4); success is any 2xx."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from monitor.notify.base import JSON_HEADERS, HttpRequest, Outcome, dumps, judge_http
from monitor.notify.models import Notice, Status
from monitor.notify.ratelimit import Limit, TokenBucket

ZERO_TIME = "0001-01-01T00:00:00Z"


def rfc3339(ns: int | None) -> str:
    """Format nanoseconds as RFC 3339 in UTC (Go's zero time for ``None``)."""
    if not ns:
        return ZERO_TIME
    seconds, rest = divmod(ns, 1_000_000_000)
    base = datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    frac = f".{rest:09d}".rstrip("0") if rest else ""
    return f"{base}{frac}Z"


def labels_of(n: Notice) -> dict[str, str]:
    return {"alertname": n.rule, "pair": n.pair, "severity": n.severity, **n.labels}


def annotations_of(n: Notice) -> dict[str, str]:
    return {
        "summary": n.title,
        "description": "\n".join(n.lines),
        "dedup_key": n.key,
        **n.annotations,
    }


def _common(maps: Sequence[Mapping[str, str]]) -> dict[str, str]:
    first = dict(maps[0])
    return {k: v for k, v in first.items() if all(m.get(k) == v for m in maps[1:])}


def render(notices: Sequence[Notice], receiver: str, external_url: str = "") -> dict[str, Any]:
    """Build an Alertmanager webhook message for ``notices``."""
    labels = [labels_of(n) for n in notices]
    annotations = [annotations_of(n) for n in notices]
    alerts = [
        {
            "status": n.status.value,
            "labels": labels[i],
            "annotations": annotations[i],
            "startsAt": rfc3339(n.starts_at_ns),
            "endsAt": rfc3339(n.ends_at_ns if n.status is Status.RESOLVED else None),
            "generatorURL": n.url or "",
            "fingerprint": n.fingerprint,
        }
        for i, n in enumerate(notices)
    ]
    group: dict[str, str] = {}
    if len({(n.rule, n.pair) for n in notices}) == 1:
        group = {"alertname": notices[0].rule, "pair": notices[0].pair}
    group_key = "{}:{" + ", ".join(f'{k}="{v}"' for k, v in group.items()) + "}"
    firing = any(n.status is Status.FIRING for n in notices)
    return {
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": "firing" if firing else "resolved",
        "receiver": receiver,
        "groupLabels": group,
        "commonLabels": _common(labels),
        "commonAnnotations": _common(annotations),
        "externalURL": external_url or next((n.url for n in notices if n.url), "") or "",
        "alerts": alerts,
    }


class WebhookPlatform:
    """Any receiver that understands Alertmanager webhooks; 5xx and 429 are retried."""

    kind = "webhook"

    def __init__(
        self,
        url: str,
        receiver: str,
        bearer_token: str | None = None,
        rate_per_second: float = 5.0,
        max_alerts: int = 0,
        max_batch: int | None = None,
    ) -> None:
        self._url = url
        self._receiver = receiver
        self._headers = dict(JSON_HEADERS)
        if bearer_token:
            self._headers["Authorization"] = f"Bearer {bearer_token}"
        self.max_batch = max_batch or max_alerts or 50
        if max_alerts:
            self.max_batch = min(self.max_batch, max_alerts)
        self.limits: tuple[Limit, ...] = (
            TokenBucket(rate=rate_per_second, capacity=max(1.0, rate_per_second)),
        )

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        payload = render(notices, self._receiver)
        return HttpRequest(url=self._url, body=dumps(payload), headers=self._headers)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return judge_http(status, headers) or Outcome(ok=True)
