"""Feishu / Lark custom bot (rich-text ``post``), optionally signed; success is ``code`` 0."""

from __future__ import annotations

import base64
import hashlib
import hmac
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
from monitor.notify.models import Notice, Status
from monitor.notify.ratelimit import Limit, SlidingWindow, TokenBucket

BODY_MAX_BYTES = 20_000
RETRYABLE_CODES = frozenset({9499, 11232})  # rate / frequency limited


def sign(timestamp_s: int, secret: str) -> str:
    """Feishu signature: base64(HMAC-SHA256(key=f"{ts}\\n{secret}", msg=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def _title(notices: Sequence[Notice]) -> str:
    if len(notices) == 1:
        return headline(notices[0])
    firing = sum(1 for n in notices if n.status is Status.FIRING)
    return f"{len(notices)} alerts: {firing} firing, {len(notices) - firing} resolved"


def render(notices: Sequence[Notice]) -> dict[str, Any]:
    """Build an unsigned ``post`` message: a title and one paragraph per line."""
    paragraphs: list[list[dict[str, str]]] = []
    for n in notices:
        if len(notices) > 1:
            paragraphs.append([{"tag": "text", "text": headline(n)}])
        paragraphs.extend([{"tag": "text", "text": line}] for line in n.lines)
        if n.url:
            paragraphs.append([{"tag": "a", "text": "Open dashboard", "href": n.url}])
    return {
        "msg_type": "post",
        "content": {"post": {"zh_cn": {"title": _title(notices), "content": paragraphs}}},
    }


class FeishuPlatform:
    """Feishu: 5 per second and 100 per minute per bot."""

    kind = "feishu"

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
        self.max_batch = max_batch or 10
        self.limits: tuple[Limit, ...] = (
            TokenBucket(rate=5.0, capacity=5),
            SlidingWindow(limit=100, window=60.0),
        )

    def payload(self, notices: Sequence[Notice], now_ns: int) -> dict[str, Any]:
        body = render(notices)
        if self._mentions.applies(notices):  # "all" or user ids: an <at> paragraph first
            post = body["content"]["post"]["zh_cn"]
            at = [{"tag": "at", "user_id": m} for m in self._mentions.items]
            post["content"] = [at, *post["content"]]
        if self._secret is not None:
            ts = now_ns // 1_000_000_000
            body = {"timestamp": str(ts), "sign": sign(ts, self._secret), **body}
        return body

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        # The sender keeps the notices that did not fit for the next message.
        body, count = fit_body(lambda ns: dumps(self.payload(ns, now_ns)), notices, BODY_MAX_BYTES)
        return HttpRequest(url=self._url, body=body, count=count)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        failed = judge_http(status, headers)
        data = parse_json(body)
        code = None
        if isinstance(data, dict):
            code = data.get("code", data.get("StatusCode"))
        if code == 0 and failed is None:
            return Outcome(ok=True)
        if code in RETRYABLE_CODES:
            return Outcome(ok=False, reason=f"feishu code {code}")
        if failed is not None:
            return failed
        return Outcome(ok=False, retryable=False, reason=f"feishu code {code}")
