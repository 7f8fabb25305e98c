"""Telegram Bot API ``sendMessage`` (HTML); success is ``ok: true``."""

from __future__ import annotations

import html
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
from monitor.notify.ratelimit import Limit, SlidingWindow, TokenBucket

TEXT_MAX = 4096  # characters, counted by Telegram in UTF-16 code units
UTF16_UNIT = 2  # bytes per UTF-16 code unit


def html_of(notices: Sequence[Notice], prefix: str = "") -> str:
    """The HTML text of ``notices``, one block each, after ``prefix`` (escaped) if any."""
    parts = [html.escape(prefix)] if prefix else []
    for n in notices:
        lines = [f"<b>{html.escape(headline(n))}</b>", *(html.escape(x) for x in n.lines)]
        if n.url:
            lines.append(f'<a href="{html.escape(n.url, quote=True)}">Open dashboard</a>')
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def render_text(notices: Sequence[Notice], prefix: str = "") -> tuple[str, int]:
    """HTML text and how many notices it carries, within 4096 UTF-16 code units.

    Whole notices are cut between each other; a single notice too long on its own is cut
    in its plain text before escaping, so never inside an entity or a tag.
    """
    encoded, count = fit_body(
        lambda ns: html_of(ns, prefix).encode("utf-16-le"), notices, TEXT_MAX * UTF16_UNIT
    )
    return encoded.decode("utf-16-le"), count


def render(
    notices: Sequence[Notice],
    chat_id: str,
    message_thread_id: int | None = None,
    disable_notification: bool = False,
    prefix: str = "",
) -> dict[str, Any]:
    """Build the ``sendMessage`` parameters."""
    text, _ = render_text(notices, prefix)
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
        mentions: Mentions | None = None,
    ) -> None:
        self._url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self._mentions = mentions or Mentions()
        self._chat_id = chat_id
        self._thread = message_thread_id
        self._silent = disable_notification
        self.max_batch = max_batch or 10
        limits: list[Limit] = [TokenBucket(rate=1.0, capacity=1)]
        if chat_id.startswith("-"):  # groups and channels
            limits.append(SlidingWindow(limit=20, window=60.0))
        self.limits: tuple[Limit, ...] = tuple(limits)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        prefix = ""
        if self._mentions.applies(notices):  # "@username" items, as plain text
            prefix = " ".join(self._mentions.items)
        payload = render(notices, self._chat_id, self._thread, self._silent, prefix)
        _, count = render_text(notices, prefix)
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
