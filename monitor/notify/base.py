"""The contract every chat platform module fulfils, and shared response judging.

A platform turns a batch of :class:`Notice` into one HTTP request (``build``, pure) and
decides from the response whether the platform confirmed delivery (``judge``, pure).
The common sender owns queueing, rate limiting, retries and the spool.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from monitor.notify.models import Notice, Status, severity_rank
from monitor.notify.ratelimit import Limit

JSON_HEADERS: Mapping[str, str] = {"Content-Type": "application/json; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One POST. ``url`` usually embeds a secret: never log or show it."""

    url: str = field(repr=False)
    body: bytes = field(repr=False)
    headers: Mapping[str, str] = field(default_factory=lambda: dict(JSON_HEADERS), repr=False)
    count: int | None = None  # notices carried, when fewer than the batch (size limits)


class Outcome(NamedTuple):
    """The verdict on one send. ``reason`` is safe to log (never contains a secret)."""

    ok: bool
    retryable: bool = True
    retry_after: float | None = None  # seconds the platform asked us to wait
    pause_after: float | None = None  # after a success: the platform's bucket is empty
    reason: str = ""


class Platform(Protocol):
    """One chat target: renders batches and judges responses."""

    kind: str
    limits: tuple[Limit, ...]
    max_batch: int

    def build(self, notices: Sequence[Notice], now_ns: int) -> HttpRequest: ...

    def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome: ...


def dumps(payload: Any) -> bytes:
    """Encode a payload as compact UTF-8 JSON (non-ASCII kept as is)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_json(body: bytes) -> Any:
    """Decode a JSON body; ``None`` when it is not JSON."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Parse an HTTP ``Retry-After`` header (seconds or HTTP date) into seconds."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def judge_http(status: int, headers: Mapping[str, str]) -> Outcome | None:
    """Judge by status alone: ``None`` for 2xx (the platform check decides), else a failure.

    429, 408 and 5xx are retryable (429 with its ``Retry-After``); other codes are not.
    """
    if 200 <= status < 300:
        return None
    if status == 429:
        return Outcome(
            ok=False, retry_after=parse_retry_after(headers.get("Retry-After")), reason="http 429"
        )
    if status == 408 or status >= 500:
        return Outcome(ok=False, reason=f"http {status}")
    return Outcome(ok=False, retryable=False, reason=f"http {status}")


class Mentions(NamedTuple):
    """Who a sink mentions (platform syntax, see each platform) when a firing notice of
    ``min_severity`` or above is in the message."""

    items: tuple[str, ...] = ()
    min_severity: str = "critical"

    def applies(self, notices: Sequence[Notice]) -> bool:
        rank = severity_rank(self.min_severity)
        return bool(self.items) and any(
            n.status is Status.FIRING and severity_rank(n.severity) >= rank for n in notices
        )


STATUS_EMOJI = {"critical": "🔴", "warning": "🟠", "info": "🔵"}


def headline(notice: Notice) -> str:
    """``🔴 FIRING [critical] PONY · ...`` — the one line a trader reads first."""
    if notice.status is Status.RESOLVED:
        return f"✅ RESOLVED {notice.title}"
    emoji = STATUS_EMOJI.get(notice.severity, "🟠")
    return f"{emoji} FIRING [{notice.severity}] {notice.title}"


def plain_text(notices: Sequence[Notice], link_label: str = "Dashboard") -> str:
    """Render notices as plain text blocks separated by blank lines."""
    parts = []
    for n in notices:
        lines = [headline(n), *n.lines]
        if n.url:
            lines.append(f"{link_label}: {n.url}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def truncate(text: str, limit: int, *, encoding: str | None = None) -> str:
    """Cut ``text`` to ``limit`` characters (or bytes in ``encoding``), marking the cut."""
    if encoding is None:
        return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"
    raw = text.encode(encoding)
    if len(raw) <= limit:
        return text
    cut = raw[: max(0, limit - 3)].decode(encoding, errors="ignore")
    return cut + "…"


def shortened(notice: Notice, keep: int) -> Notice:
    """``notice`` cut to ``keep`` characters of title and text (the text is cut first)."""
    body = "\n".join(notice.lines)
    if keep >= len(notice.title) + len(body):
        return notice
    if keep > len(notice.title):
        text = truncate(body, keep - len(notice.title))
        return notice._replace(lines=tuple(text.split("\n")))
    return notice._replace(lines=(), title=truncate(notice.title, max(1, keep)))


def fit_body(
    render: Callable[[Sequence[Notice]], bytes], notices: Sequence[Notice], limit: int
) -> tuple[bytes, int]:
    """The body of the most leading notices whose rendering fits in ``limit`` bytes, and
    how many it carries; a single notice too long on its own is cut (marked with …) to
    the longest text that fits (a binary search over its length)."""
    count = len(notices)
    body = render(notices)
    while len(body) > limit and count > 1:
        count -= 1
        body = render(notices[:count])
    if len(body) <= limit:
        return body, count
    one = notices[0]
    low, high = 1, len(one.title) + len("\n".join(one.lines))  # fits, does not fit
    best = render([shortened(one, low)])
    while high - low > 1:
        mid = (low + high) // 2
        candidate = render([shortened(one, mid)])
        if len(candidate) <= limit:
            low, best = mid, candidate
        else:
            high = mid
    return best, 1
