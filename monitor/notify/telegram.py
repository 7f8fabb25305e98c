"""Telegram Bot API ``sendMessage`` (HTML); success is ``ok: true``."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from monitor.notify.base import HttpRequest, Outcome, dumps, headline, judge_http, parse_json
from monitor.notify.models import Notice
from monitor.notify.ratelimit import Limit, SlidingWindow, TokenBucket

TEXT_MAX = 4096


def render_text(notices: Sequence[Notice]) -> tuple[str, int]:
    """HTML text and how many notices it carries (cut between notices at 4096 characters)."""
    parts = []
    for n in notices:
        lines = [f"<b>{html.escape(headline(n))}</b>", *(html.escape(x) for x in n.lines)]
        if n.url:
            lines.append(f'<a href="{html.escape(n.url, quote=True)}">Open dashboard</a>')
        parts.append("\n".join(lines))
    text, count = "", 0
    for part in parts:  # cut between notices, never inside an HTML tag
        candidate = f"{text}\n\n{part}" if text else part
        if len(candidate) > TEXT_MAX:
            break
        text, count = candidate, count + 1
    if not count:
        return html.escape(headline(notices[0]))[:TEXT_MAX], 1
    return text, count


def render(
    notices: Sequence[Notice],
    chat_id: str,
    message_thread_id: int | None = None,
    disable_notification: bool = False,
) -> dict[str, Any]:
    """Build the ``sendMessage`` parameters."""
    text, _ = render_text(notices)
    payload: dict[str, Any] = {
        "chat_id": chat_id,
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if message_thread_id is not None:
        payload["message_thread_id"] = message_thread_id
    if disable_notification:
        payload["disable_notification"] = True
    return payload


class TelegramPlatform:
    """Telegram: about one message per second per chat, about 20 per minute in a group."""

    kind = "telegram"

    def __init__(
        self,
        token: str,
        chat_id: str,
        api_url: str = "https://api.telegram.org",
        message_thread_id: int | None = None,
        disable_notification: bool = False,
        max_batch: int | None = None,
    ) -> None:
        self._url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self._chat_id = chat_id
        self._thread = message_thread_id
        self._silent = disable_notification
        self.max_batch = max_batch or 10
        limits: list[Limit] = [TokenBucket(rate=1.0, capacity=1)]
        if chat_id.startswith("-"):  # groups and channels
            limits.append(SlidingWindow(limit=20, window=60.0))
        self.limits: tuple[Limit, ...] = tuple(limits)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        payload = render(notices, self._chat_id, self._thread, self._silent)
        _, count = render_text(notices)
        return HttpRequest(url=self._url, body=dumps(payload), count=count)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        data = parse_json(body)
        if isinstance(data, dict) and data.get("ok") is True and 200 <= status < 300:
            return Outcome(ok=True)
        params = data.get("parameters") if isinstance(data, dict) else None
        retry_after = params.get("retry_after") if isinstance(params, dict) else None
        if isinstance(retry_after, int | float):
            return Outcome(ok=False, retry_after=float(retry_after), reason="telegram 429")
        failed = judge_http(status, headers)
        if failed is not None:
            return failed
        return Outcome(ok=False, retryable=False, reason="telegram: ok is not true")
