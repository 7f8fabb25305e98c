"""Options of the replay feed (``type: replay``)."""

import math
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from monitor.settings.base import Model


def parse_speed(value: Any) -> float:
    """A speed factor: a number >= 0, or ``max`` (= 0, as fast as possible)."""
    if isinstance(value, str) and value.strip().lower() in ("max", "inf", "fast"):
        return 0.0
    try:
        speed = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"speed must be a number >= 0 or 'max', not {value!r}") from None
    if speed == math.inf:
        return 0.0
    if not speed >= 0:  # negative or NaN
        raise ValueError(f"speed must be a number >= 0 or 'max', not {value!r}")
    return speed


class ReplayOptions(Model):
    """Serve recorded tick files through the normal pipeline.

    ``files`` are merged by timestamp; ``speed`` 1 is real time, 10 ten times faster,
    0 or ``max`` as fast as possible; ``loop`` starts over after the last event, shifting
    timestamps so time keeps moving forward; ``strict`` stops at the first malformed row
    instead of counting and skipping it.
    """

    files: list[Path] = Field(min_length=1)
    speed: float = 1.0
    loop: bool = False
    loop_gap_seconds: float = Field(default=1.0, gt=0)
    strict: bool = False
    batch_rows: int = Field(default=2_000, ge=1)

    @field_validator("speed", mode="before")
    @classmethod
    def _speed(cls, value: Any) -> float:
        return parse_speed(value)

    @field_validator("files")
    @classmethod
    def _files_exist(cls, value: list[Path]) -> list[Path]:
        missing = [str(p) for p in value if not p.is_file()]
        if missing:
            raise ValueError(f"no such file: {', '.join(missing)}")
        return value
