"""Microsoft Teams Workflows webhook: the Adaptive Card envelope Alertmanager msteamsv2 sends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.notify.base import HttpRequest, Outcome, dumps, fit_body, headline, judge_http
from monitor.notify.models import Notice, Status
from monitor.notify.ratelimit import Limit, TokenBucket

COLOR_FIRING = "Attention"
COLOR_RESOLVED = "Good"
BODY_MAX_BYTES = 28_000  # Teams refuses messages over 28 KB (learn.microsoft.com, connectors)
CARD_VERSION = "1.5"  # TextBlock ``style: heading`` needs Adaptive Cards 1.5


def title_of(notices: Sequence[Notice]) -> str:
    if len(notices) == 1:
        return headline(notices[0])
    firing = sum(1 for n in notices if n.status is Status.FIRING)
    return f"{len(notices)} alerts: {firing} firing, {len(notices) - firing} resolved"


def text_of(notices: Sequence[Notice]) -> str:
    parts = []
    for n in notices:
        lines = [f"**{headline(n)}**", *n.lines] if len(notices) > 1 else list(n.lines)
        if n.url:
            lines.append(f"[Open dashboard]({n.url})")
        parts.append("\n\n".join(lines))
    return "\n\n".join(parts)


def render(notices: Sequence[Notice]) -> dict[str, Any]:
    """Build the ``message`` envelope with one Adaptive Card (title + text blocks)."""
    any_firing = any(n.status is Status.FIRING for n in notices)
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": CARD_VERSION,
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": title_of(notices),
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                            "style": "heading",
                            "color": COLOR_FIRING if any_firing else COLOR_RESOLVED,
                        },
                        {"type": "TextBlock", "text": text_of(notices), "wrap": True},
                    ],
                    "msteams": {"width": "full"},
                },
            }
        ],
    }


class TeamsPlatform:
    """Teams: success is any 2xx (Workflows answers 202 Accepted)."""

    kind = "teams"

    def __init__(self, url: str, max_batch: int | None = None) -> None:
        self._url = url
        self.max_batch = max_batch or 10
        self.limits: tuple[Limit, ...] = (TokenBucket(rate=1.0, capacity=4),)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        body, count = fit_body(lambda ns: dumps(render(ns)), notices, BODY_MAX_BYTES)
        return HttpRequest(url=self._url, body=body, count=count)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        return judge_http(status, headers) or Outcome(ok=True)
