"""WeCom (企业微信) group robot, markdown message; success is ``errcode`` 0."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from monitor.notify.base import (
    HttpRequest,
    Outcome,
    dumps,
    headline,
    judge_http,
    parse_json,
    truncate,
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


def render(notices: Sequence[Notice]) -> dict[str, Any]:
    """Build a markdown message; firing headlines in warning colour, resolved in info."""
    text = truncate(_joined(notices), MARKDOWN_MAX_BYTES, encoding="utf-8")
    return {"msgtype": "markdown", "markdown": {"content": text}}


class WeComPlatform:
    """WeCom: at most 20 messages per minute per robot."""

    kind = "wecom"

    def __init__(self, url: str, max_batch: int | None = None) -> None:
        self._url = url
        self.max_batch = max_batch or 10
        self.limits: tuple[Limit, ...] = (SlidingWindow(limit=20, window=60.0),)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        count = len(notices)  # whole notices only: the rest go in the next message
        while count > 1 and len(_joined(notices[:count]).encode()) > MARKDOWN_MAX_BYTES:
            count -= 1
        return HttpRequest(url=self._url, body=dumps(render(notices[:count])), count=count)

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
