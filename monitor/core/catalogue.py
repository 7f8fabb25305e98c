"""The built-in catalogue of HK/US dual listings (``dlmon pairs``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class ListedPair:
    name: str
    us: str
    hk: str
    ratio: float
    company: str
    confidence: str  # V primary source, S secondary, U unconfirmed
    us_venue: str = "XNAS"
    as_of: date | None = None


@lru_cache(maxsize=1)
def catalogue() -> dict[str, ListedPair]:
    """Pairs by name (the US symbol)."""
    text = resources.files("monitor.data").joinpath("pairs.yaml").read_text(encoding="utf-8")
    rows = yaml.safe_load(text)
    return {row["name"]: ListedPair(**row) for row in rows}
