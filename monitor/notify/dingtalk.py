"""DingTalk custom robot (markdown), optionally signed; success is ``errcode`` 0."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any

from monitor.notify.base import (
    HttpRequest,
    Mentions,
    Outcome,
    dumps,
    fit_body,
    headline,
    judge_http,
    parse_json,
)
from monitor.notify.models import Notice
from monitor.notify.ratelimit import Limit, SlidingWindow

THROTTLED = 130101  # "send too fast": over 20 per minute, throttled for 10 minutes
THROTTLE_SECONDS = 600.0  # "超过20条，会限流10分钟" (open.dingtalk.com, custom robot access)
# No published body limit was found; 20,000 bytes, the figure of the Feishu bot, is kept as
# a conservative cap so one long notice is cut rather than refused.
BODY_MAX_BYTES = 20_000


def sign(timestamp_ms: int, secret: str) -> str:
    """DingTalk signature, URL-encoded: base64(HMAC-SHA256(secret, f"{ts}\\n{secret}"))."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))


def render(notices: Sequence[Notice]) -> dict[str, Any]:
    """Build a markdown message (DingTalk needs blank lines between paragraphs)."""
    parts = []
    for n in notices:
        lines = [f"**{headline(n)}**", *n.lines]
        if n.url:
            lines.append(f"[Open dashboard]({n.url})")
        parts.append("\n\n".join(lines))
    title = headline(notices[0]) if len(notices) == 1 else f"{len(notices)} dlmon alerts"
    return {"msgtype": "markdown", "markdown": {"title": title, "text": "\n\n---\n\n".join(parts)}}


def with_at(payload: dict[str, Any], mentions: Mentions) -> dict[str, Any]:
    """Add DingTalk's ``at``: ``all`` mentions everyone, other items are mobile numbers
    (which the markdown text must also name as ``@<mobile>``)."""
    mobiles = [m for m in mentions.items if m != "all"]
    at: dict[str, Any] = {"isAtAll": "all" in mentions.items}
    if mobiles:
        at["atMobiles"] = mobiles
    text = payload["markdown"]["text"] + "\n\n" + " ".join(f"@{m}" for m in mobiles)
    markdown = {**payload["markdown"], "text": text.rstrip()}
    return {**payload, "markdown": markdown, "at": at}


class DingTalkPlatform:
    """DingTalk: at most 20 messages per minute per robot (exceeding it throttles 10 min)."""

    kind = "dingtalk"

    def __init__(
        self,
        url: str,
        secret: str | None = None,
        max_batch: int | None = None,
        mentions: Mentions | None = None,
    ):
        self._url = url
        self._mentions = mentions or Mentions()
        self._secret = secret
        self.max_batch = max_batch or 20
        self.limits: tuple[Limit, ...] = (SlidingWindow(limit=20, window=60.0),)

    def url_for(self, now_ns: int) -> str:
        if self._secret is None:
            return self._url
        ts = now_ns // 1_000_000
        sep = "&" if "?" in self._url else "?"
        return f"{self._url}{sep}timestamp={ts}&sign={sign(ts, self._secret)}"

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        body, count = fit_body(lambda ns: dumps(self.payload(ns)), notices, BODY_MAX_BYTES)
        return HttpRequest(url=self.url_for(now_ns), body=body, count=count)

    def payload(self, notices: Sequence[Notice]) -> dict[str, Any]:
        payload = render(notices)
        if self._mentions.applies(notices):
            payload = with_at(payload, self._mentions)
        return payload

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        failed = judge_http(status, headers)
        if failed is not None:
            return failed
        data = parse_json(body)
        code = data.get("errcode") if isinstance(data, dict) else None
        if code == 0:
            return Outcome(ok=True)
        if code == THROTTLED:
            return Outcome(
                ok=False, retry_after=THROTTLE_SECONDS, reason=f"dingtalk errcode {code}"
            )
        return Outcome(ok=False, retryable=False, reason=f"dingtalk errcode {code}")
