"""The built-in catalogue of HK/US dual listings (``dlmon pairs``), with dated ratios."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from monitor.core.data_files import load_data_file
from monitor.core.instruments import RatioRecord

UNCONFIRMED = "U"


class ListedPair(NamedTuple):
    name: str
    us: str
    hk: str
    ratio: float  # the current ratio (the latest record)
    company: str
    confidence: str  # V primary source, S secondary, U unconfirmed, "" not graded
    us_venue: str = "XNAS"
    ratio_from: date | None = None
    source: str = ""
    hk_lot: int = 100
    lot_confidence: str = ""
    lot_source: str = ""
    same_share: bool = False
    hk_ref_price: float | None = None  # rough HK price level (simulator start), grade U
    history: tuple[RatioRecord, ...] = ()  # earlier ratios, oldest first

    @property
    def as_of(self) -> date | None:
        """Date from which the current ratio is in force (the older name)."""
        return self.ratio_from

    @property
    def ratio_unconfirmed(self) -> bool:
        return self.confidence == UNCONFIRMED

    def ratios(self) -> tuple[RatioRecord, ...]:
        """Every dated ratio record, oldest first; the last one is current."""
        current = RatioRecord(self.ratio, self.ratio_from, self.source, self.confidence)
        return (*self.history, current)


def _listed(row: dict[str, Any]) -> ListedPair:
    history = tuple(
        RatioRecord(float(h["ratio"]), h.get("from"), str(h.get("source", "")), str(h["grade"]))
        for h in row.pop("history", ())
    )
    return ListedPair(**row, history=history)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, ListedPair]:
    """Pairs by name (the US symbol)."""
    rows = load_data_file("pairs.yaml")
    return {row["name"]: _listed(row) for row in rows}
