"""Settings of the tick recorder (the ``recorder:`` section of the configuration)."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from monitor.settings.base import Model


class RecorderConfig(Model):
    """Where and how accepted events are written; disabled unless ``enabled: true``.

    Files rotate when they reach ``rotate_bytes`` and, with ``rotate_daily``, when an
    event of a later UTC day arrives. When the files of the directory together exceed
    ``max_total_bytes`` the oldest are deleted. ``parquet`` needs the ``parquet`` extra.
    """

    enabled: bool = False
    directory: Path = Path("ticks")
    format: Literal["csv", "parquet"] = "csv"
    prefix: str = Field(default="ticks", pattern=r"^[A-Za-z0-9_.-]+$")
    rotate_bytes: int = Field(default=64 * 1024 * 1024, ge=4096)
    rotate_daily: bool = True
    max_total_bytes: int = Field(default=2 * 1024 * 1024 * 1024, ge=4096)
    flush_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    queue_size: int = Field(default=100_000, ge=1)
    batch_size: int = Field(default=5_000, ge=1)

    @model_validator(mode="after")
    def _check_bounds(self) -> "RecorderConfig":
        if self.max_total_bytes < self.rotate_bytes:
            raise ValueError("max_total_bytes must be at least rotate_bytes")
        return self
