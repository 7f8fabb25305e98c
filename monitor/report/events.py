"""Dated events drawn on the report's premium chart (index inclusions, earnings, buybacks...).

YAML: a list of mappings, or ``{events: [...]}``; CSV: a header line. Each event has a
``date`` (``2026-11-20`` or an ISO time; a date is read as 00:00 UTC), a ``label`` and
optionally a ``pair`` (the event is drawn on that pair only) and a ``kind``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from monitor.errors import ConfigError


@dataclass(frozen=True, slots=True)
class MarketEvent:
    """One dated event."""

    when: pd.Timestamp  # UTC
    label: str
    pair: str | None = None
    kind: str | None = None


def _when(value: Any, where: str) -> pd.Timestamp:
    if isinstance(value, datetime):
        stamp = pd.Timestamp(value)
    elif isinstance(value, date):
        stamp = pd.Timestamp(datetime(value.year, value.month, value.day, tzinfo=UTC))
    else:
        try:
            stamp = pd.Timestamp(str(value).strip())
        except ValueError:
            raise ConfigError(f"{where}: date {value!r} is not a date or ISO time") from None
    if pd.isna(stamp):
        raise ConfigError(f"{where}: date is missing")
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def _event(raw: Any, where: str) -> MarketEvent:
    if not isinstance(raw, dict) or "date" not in raw or not raw.get("label"):
        raise ConfigError(f"{where}: an event needs a date and a label")
    pair = raw.get("pair") or None
    kind = raw.get("kind") or None
    return MarketEvent(
        _when(raw["date"], where),
        str(raw["label"]),
        str(pair) if pair else None,
        str(kind) if kind else None,
    )


def load_events(path: str | Path) -> list[MarketEvent]:
    """The events of a YAML or CSV file; :class:`ConfigError` naming the entry if one is bad."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the events file ({exc.strerror or exc})") from None
    if path.suffix.lower() == ".csv":
        rows: list[Any] = list(csv.DictReader(text.splitlines()))
        where = [f"{path}:{i + 2}" for i in range(len(rows))]
    else:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML ({exc})") from None
        if isinstance(data, dict):
            data = data.get("events")
        if not isinstance(data, list):
            raise ConfigError(f"{path}: expected a list of events (or events: [...])")
        rows = data
        where = [f"{path}: event {i + 1}" for i in range(len(rows))]
    return sorted((_event(r, w) for r, w in zip(rows, where, strict=True)), key=lambda e: e.when)


__all__ = ["MarketEvent", "load_events"]
