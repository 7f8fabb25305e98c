"""Discord webhook with embeds; honours ``X-RateLimit-*`` headers and 429 ``retry_after``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from yarl import URL

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
from monitor.notify.ratelimit import Limit, TokenBucket

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
EMBEDS_MAX = 10
TOTAL_MAX = 6000  # characters of every embed's title, description, fields, footer, author
COLORS = {"critical": 0xE01E5A, "warning": 0xF2A900, "info": 0x3498DB}
RESOLVED_COLOR = 0x2ECC71


def iso(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, tz=UTC).isoformat(timespec="milliseconds")


def embed(n: Notice) -> dict[str, Any]:
    color = RESOLVED_COLOR if n.status is Status.RESOLVED else COLORS.get(n.severity, 0xF2A900)
    lines = list(n.lines)
    if n.url:
        lines.append(f"[Open dashboard]({n.url})")
    out: dict[str, Any] = {
        "title": truncate(headline(n), TITLE_MAX),
        "description": truncate("\n".join(lines), DESCRIPTION_MAX),
        "color": color,
    }
    if n.url:
        out["url"] = n.url
    if n.created_ns:
        out["timestamp"] = iso(n.created_ns)
    return out


def embed_chars(e: Mapping[str, Any]) -> int:
    """Characters Discord counts towards the 6,000 per message for one embed."""
    total = len(e.get("title", "")) + len(e.get("description", ""))
    total += sum(len(f.get("name", "")) + len(f.get("value", "")) for f in e.get("fields", ()))
    total += len(e.get("footer", {}).get("text", "")) + len(e.get("author", {}).get("name", ""))
    return total


def fitting_embeds(notices: Sequence[Notice]) -> list[dict[str, Any]]:
    """The embeds of the leading notices that fit in one message (at least one)."""
    out: list[dict[str, Any]] = []
    total = 0
    for n in notices[:EMBEDS_MAX]:
        e = embed(n)
        size = embed_chars(e)
        if out and total + size > TOTAL_MAX:
            break
        out.append(e)
        total += size
    return out


def render(notices: Sequence[Notice], username: str | None = None) -> dict[str, Any]:
    """Build the payload: one embed per notice (as many as fit), no mentions parsed."""
    payload: dict[str, Any] = {
        "embeds": fitting_embeds(notices),
        "allowed_mentions": {"parse": []},
    }
    if username:
        payload["username"] = username
    return payload


class DiscordPlatform:
    """Discord: no fixed published limit; follow the per-webhook bucket headers."""

    kind = "discord"

    def __init__(self, url: str, username: str | None = None, max_batch: int | None = None):
        # wait=true makes Discord confirm the message was created (200 + message object).
        self._url = str(URL(url).update_query(wait="true"))
        self._username = username
        self.max_batch = min(max_batch or EMBEDS_MAX, EMBEDS_MAX)
        self.limits: tuple[Limit, ...] = (TokenBucket(rate=1.0, capacity=5),)

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest:
        payload = render(notices, self._username)
        count = len(payload["embeds"])  # the sender keeps the rest for the next message
        return HttpRequest(url=self._url, body=dumps(payload), count=count)

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
        failed = judge_http(status, headers)
        if failed is not None:
            if status == 429:
                data = parse_json(body)
                if isinstance(data, dict) and isinstance(data.get("retry_after"), int | float):
                    return Outcome(ok=False, retry_after=float(data["retry_after"]), reason="429")
            return failed
        pause = None
        if headers.get("X-RateLimit-Remaining") == "0":
            try:
                pause = float(headers.get("X-RateLimit-Reset-After", "1"))
            except ValueError:
                pause = 1.0
        return Outcome(ok=True, pause_after=pause)
