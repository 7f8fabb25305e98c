"""Reconnect, watchdog and size limits shared by every streaming feed (``connection:``)."""

from __future__ import annotations

from pydantic import Field, model_validator

from monitor.settings.base import Model


class ConnectionOptions(Model):
    """Reconnect, watchdog and size limits shared by every streaming feed."""

    initial_backoff_seconds: float = Field(default=1.0, gt=0)
    max_backoff_seconds: float = Field(default=60.0, gt=0)
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
