"""WeCom (企业微信) group robot, markdown message; success is ``errcode`` 0."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.notify.base import (
    HttpRequest,
    Outcome,
    dumps,
    fit_body,
    headline,
    judge_http,
    parse_json,
)
from monitor.notify.models import Notice, Status
from monitor.notify.ratelimit import Limit, SlidingWindow

MARKDOWN_MAX_BYTES = 4096
FREQ_LIMITED = 45009


def _joined(notices: Sequence[Notice]) -> str:
    parts = []
    for n in notices:
        color = "info" if n.status is Status.RESOLVED else "warning"
        lines = [f'<font color="{color}">**{headline(n)}**</font>', *n.lines]
        if n.url:
            lines.append(f"[Open dashboard]({n.url})")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def fitted(notices: Sequence[Notice]) -> tuple[str, int]:
    """Markdown of the leading notices within 4096 bytes, and how many it carries; one
    notice too long is cut in its text, never inside a ``<font>`` tag."""
    body, count = fit_body(lambda ns: _joined(ns).encode(), notices, MARKDOWN_MAX_BYTES)
    return body.decode(), count


def render(notices: Sequence[Notice]) -> dict[str, Any]:
    """Build a markdown message; firing headlines in warning colour, resolved in info."""
    text, _ = fitted(notices)
    return {"msgtype": "markdown", "markdown": {"content": text}}


class WeComPlatform:
    """WeCom: at most 20 messages per minute per robot."""

    kind = "wecom"

    def __init__(self, url: str, max_batch: int | None = None) -> None:
        self._url = url
        self.max_batch = max_batch or 10
        self.limits: tuple[Limit, ...] = (SlidingWindow(limit=20, window=60.0),)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        text, count = fitted(notices)  # the rest go in the next message
        payload = {"msgtype": "markdown", "markdown": {"content": text}}
        return HttpRequest(url=self._url, body=dumps(payload), count=count)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        failed = judge_http(status, headers)
        if failed is not None:
            return failed
        data = parse_json(body)
        code = data.get("errcode") if isinstance(data, dict) else None
        if code == 0:
            return Outcome(ok=True)
        if code == FREQ_LIMITED:
            return Outcome(ok=False, retry_after=60.0, reason=f"wecom errcode {code}")
        return Outcome(ok=False, retryable=False, reason=f"wecom errcode {code}")
