"""Slack incoming webhook: ``{"text", "blocks"}``; success is HTTP 200 with body ``ok``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.notify.base import (
    HttpRequest,
    Mentions,
    Outcome,
    dumps,
    headline,
    judge_http,
    truncate,
)
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


SPECIAL = {"here", "channel", "everyone"}


def mention_token(item: str) -> str:
    """``here`` -> ``<!here>``, ``U024BE7LH`` -> ``<@U024BE7LH>``, ``S0614TZR7`` (a user
    group) -> ``<!subteam^S0614TZR7>``; anything already in ``<...>`` is kept."""
    item = item.strip()
    if item.startswith("<") and item.endswith(">"):
        return item
    if item.lstrip("@!") in SPECIAL:
        return f"<!{item.lstrip('@!')}>"
    if item.startswith("S"):
        return f"<!subteam^{item}>"
    return f"<@{item}>"


def with_mentions(payload: dict[str, Any], mentions: Mentions) -> dict[str, Any]:
    """Prefix the message (top-level text and first block) with the mentions."""
    tokens = " ".join(mention_token(m) for m in mentions.items)
    block = {"type": "section", "text": {"type": "mrkdwn", "text": tokens}}
    return {**payload, "text": f"{tokens} {payload['text']}", "blocks": [block, *payload["blocks"]]}


class SlackPlatform:
    """Slack: 1 message per second with short bursts (api.slack.com/docs/rate-limits)."""

    kind = "slack"

    def __init__(
        self, url: str, max_batch: int | None = None, mentions: Mentions | None = None
    ) -> None:
        self._url = url
        self._mentions = mentions or Mentions()
        self.max_batch = max_batch or 10
        self.limits: tuple[Limit, ...] = (TokenBucket(rate=1.0, capacity=2),)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        payload = render(notices)
        if self._mentions.applies(notices):
            payload = with_mentions(payload, self._mentions)
        return HttpRequest(url=self._url, body=dumps(payload))

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        failed = judge_http(status, headers)
        if failed is not None:
            return failed
        if body.strip() == b"ok":
            return Outcome(ok=True)
        return Outcome(ok=False, retryable=False, reason="slack: response body is not 'ok'")
