"""Rate-limited reports of bad input: at most one summary line per feed per interval.

A hostile or broken provider can send thousands of bad frames a minute; logging each one
floods the log and costs the loop. Every bad frame or element is still counted at once
in the feed's health (``dlmon_feed_errors_total{kind}``); the log gets the first one at
once, then at most one line per interval with the counts by kind, a few unknown symbols
and one example, written when the next bad input arrives after the interval.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog

from monitor.feeds.wire import truncate

log = structlog.get_logger(__name__)

DEFAULT_INTERVAL_SECONDS = 60.0
KEPT_SYMBOLS = 10

Emit = Callable[..., Any]
"""Writes one summary (``event``, then keyword fields); a structlog ``warning`` by default."""


class BadInputLog:
    """Accumulate bad input of one feed and log one summary per interval."""

    def __init__(
        self,
        feed: str,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        emit: Emit | None = None,
    ) -> None:
        self._feed = feed
        self._interval_ns = int(interval_seconds * 1_000_000_000)
        self._emit = emit if emit is not None else log.warning
        self._next_ns = 0
        self._counts: dict[str, int] = {}
        self._symbols: list[str] = []
        self._example = ""
        self._frame = ""

    def note(self, kind: str, detail: str, frame: str | bytes | None, now_ns: int) -> None:
        """Count one bad frame or element of ``kind``; log a summary when one is due."""
        self._counts[kind] = self._counts.get(kind, 0) + 1
        if not self._example:
            self._example = detail
            self._frame = truncate(frame) if frame is not None else ""
        if now_ns >= self._next_ns:
            self.flush(now_ns)

    def unknown_symbol(self, symbol: str, frame: str | bytes | None, now_ns: int) -> None:
        """Count one element for a symbol the feed does not map."""
        if symbol not in self._symbols and len(self._symbols) < KEPT_SYMBOLS:
            self._symbols.append(symbol)
        self.note("unknown_symbol", f"unknown symbol {symbol!r}", frame, now_ns)

    def flush(self, now_ns: int) -> None:
        """Log what was counted since the last summary (nothing if nothing was)."""
        if self._counts:
            fields: dict[str, Any] = {
                "feed": self._feed,
                "counts": dict(sorted(self._counts.items())),
                "example": self._example,
                "frame": self._frame,
                "interval_seconds": self._interval_ns / 1_000_000_000,
            }
            if self._symbols:
                fields["unknown_symbols"] = list(self._symbols)
            self._emit("bad_input", **fields)
        self._counts, self._symbols, self._example, self._frame = {}, [], "", ""
        self._next_ns = now_ns + self._interval_ns


__all__ = ["DEFAULT_INTERVAL_SECONDS", "BadInputLog", "Emit"]
