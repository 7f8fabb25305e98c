"""Reconnect, watchdog and size limits shared by every streaming feed (``connection:``)."""

from __future__ import annotations

from pydantic import Field, model_validator

from monitor.settings.base import Model


class ConnectionOptions(Model):
    """Reconnect, watchdog and size limits shared by every streaming feed.

    Reconnect policy (docs/feeds.md, "Reconnecting"): delays double from
    ``initial_backoff_seconds`` up to ``session_max_backoff_seconds`` while any venue of the
    feed is in session (clamped to ``initial_backoff_seconds`` .. ``max_backoff_seconds``),
    or up to ``max_backoff_seconds`` while all are closed; each delay
    is drawn from the upper ``backoff_jitter`` share of its ceiling. Attempts start at
    least ``min_attempt_interval_seconds`` apart. Every ``backoff_decay_seconds`` of
    streaming takes one doubling back (a flapping connection stays fast); a session that
    streamed ``healthy_after_seconds`` starts the delays over.
    """

    initial_backoff_seconds: float = Field(default=1.0, gt=0)
    session_max_backoff_seconds: float = Field(default=1.5, gt=0)
    max_backoff_seconds: float = Field(default=30.0, gt=0)
    backoff_jitter: float = Field(default=0.5, ge=0, le=1)
    min_attempt_interval_seconds: float = Field(default=1.0, ge=0)
    backoff_decay_seconds: float = Field(default=2.0, gt=0)
    healthy_after_seconds: float = Field(default=60.0, ge=0)
    fatal_retry_min_seconds: float = Field(default=60.0, gt=0)
    fatal_retry_max_seconds: float = Field(default=300.0, gt=0)
    handshake_timeout_seconds: float = Field(default=10.0, gt=0)
    close_timeout_seconds: float = Field(default=2.0, gt=0)
    max_frame_bytes: int = Field(default=1 << 20, ge=1024)
    ping_interval_seconds: float | None = Field(default=20.0, gt=0)
    ping_timeout_seconds: float | None = Field(default=20.0, gt=0)

    @model_validator(mode="after")
    def _check_ranges(self) -> ConnectionOptions:
        if self.max_backoff_seconds < self.initial_backoff_seconds:
            raise ValueError("max_backoff_seconds must be >= initial_backoff_seconds")
        if self.fatal_retry_max_seconds < self.fatal_retry_min_seconds:
            raise ValueError("fatal_retry_max_seconds must be >= fatal_retry_min_seconds")
        return self


__all__ = ["ConnectionOptions"]
