"""The session-aware data-silence watchdog of a streaming connection."""

from __future__ import annotations

from collections.abc import Sequence

from monitor.core.events import NS_PER_SECOND
from monitor.errors import FeedError
from monitor.feeds.base import FeedContext


class FeedSilentError(FeedError):
    """No market data for longer than the silence timeout while a venue is in session."""


class SilenceWatchdog:
    """Flag a feed that sends no market data while any of its instruments is in session.

    Sessions are consulted only when the silence deadline passes, so the hot path costs one
    subtraction. Silence while every venue is closed resets the reference time.
    """

    def __init__(
        self, timeout_seconds: float, instruments: Sequence[str], ctx: FeedContext
    ) -> None:
        self._timeout_ns = int(timeout_seconds * NS_PER_SECOND)
        self._instruments = tuple(instruments)
        self._ctx = ctx
        self._since = 0

    def start(self, now_ns: int) -> None:
        """Begin watching (a fresh connection counts as data)."""
        self._since = now_ns

    def saw_data(self, now_ns: int) -> None:
        """Note market data received at ``now_ns``."""
        self._since = now_ns

    def budget(self, now_ns: int) -> float:
        """Seconds a reader may wait for the next frame before calling :meth:`check`."""
        return max(0.0, (self._since + self._timeout_ns - now_ns) / NS_PER_SECOND)

    def check(self, now_ns: int) -> None:
        """Raise :class:`FeedSilentError` when silent past the timeout while in session."""
        if now_ns - self._since < self._timeout_ns:
            return
        open_now = [i for i in self._instruments if self._ctx.sessions.is_open(i, now_ns)]
        if not open_now:
            self._since = now_ns
            return
        silent = (now_ns - self._since) / NS_PER_SECOND
        raise FeedSilentError(
            f"no market data for {silent:.1f}s while {', '.join(open_now)} in session"
        )


__all__ = ["FeedSilentError", "SilenceWatchdog"]
