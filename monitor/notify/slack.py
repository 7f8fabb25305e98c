"""Slack incoming webhook: ``{"text", "blocks"}``; success is HTTP 200 with body ``ok``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.notify.base import HttpRequest, Outcome, dumps, headline, judge_http, truncate
from monitor.notify.models import Notice
from monitor.notify.ratelimit import Limit, TokenBucket

SECTION_TEXT_MAX = 3000


def escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(notices: Sequence[Notice]) -> dict[str, Any]:
    """Build the webhook payload: one section (+ link context) per notice."""
    blocks: list[dict[str, Any]] = []
    for i, n in enumerate(notices):
        if i:
            blocks.append({"type": "divider"})
        text = "\n".join([f"*{escape(headline(n))}*", *(escape(line) for line in n.lines)])
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": truncate(text, SECTION_TEXT_MAX)},
            }
        )
        if n.url:
            link = f"<{n.url}|Open dashboard>"
            blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": link}]})
    return {"text": "\n".join(escape(headline(n)) for n in notices), "blocks": blocks}


class SlackPlatform:
    """Slack: 1 message per second with short bursts (api.slack.com/docs/rate-limits)."""

    kind = "slack"

    def __init__(self, url: str, max_batch: int | None = None) -> None:
        self._url = url
        self.max_batch = max_batch or 10
        self.limits: tuple[Limit, ...] = (TokenBucket(rate=1.0, capacity=2),)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        return HttpRequest(url=self._url, body=dumps(render(notices)))

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        failed = judge_http(status, headers)
        if failed is not None:
            return failed
        if body.strip() == b"ok":
            return Outcome(ok=True)
        return Outcome(ok=False, retryable=False, reason="slack: response body is not 'ok'")
