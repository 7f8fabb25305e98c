"""Instruments and HK/US pairs."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from monitor.core.fee_table import FeeTable
from monitor.core.fees import DEFAULT_FEES, FeeSchedule

USD_HKD_BAND = (7.70, 7.90)
"""Ticks outside this range are bad data (the peg's convertibility band is 7.75-7.85)."""


class Instrument(NamedTuple):
    """A tradable line: ``symbol`` is the canonical id (``PONY``, ``2026.HK``, ``USDHKD``)."""

    symbol: str
    venue: str  # XNAS, XNYS, OTC, XHKG or FX
    currency: str  # USD or HKD (for FX: the quote currency, HKD per USD)
    lot_size: int = 1
    hkex_tick_grid: bool = False
    price_band: tuple[float, float] | None = None  # prices outside are bad data

    @property
    def is_fx(self) -> bool:
        return self.venue == "FX"


class Staleness(NamedTuple):
    """Seconds of silence in session after which a leg is stale."""

    us_seconds: float = 60.0
    hk_seconds: float = 60.0
    fx_seconds: float = 120.0


class RatioRecord(NamedTuple):
    """HK ordinary shares per US share, in force from ``effective_from`` (None: always)."""

    ratio: float
    effective_from: date | None = None
    source: str = ""
    grade: str = ""  # V primary source, S secondary, U unconfirmed, C set in the config


class Pair(NamedTuple):
    """A US ADS line and its HK line; ``ads_ratio`` HK ordinary shares per ADS."""

    name: str
    us: Instrument
    hk: Instrument
    fx: Instrument
    ads_ratio: float
    ratio_as_of: date | None = None
    fees: FeeSchedule = DEFAULT_FEES
    edge_notional_usd: float = 100_000.0
    staleness: Staleness = Staleness()
    ratios: tuple[RatioRecord, ...] = ()  # dated ratios, oldest first (empty: ads_ratio)
    fee_table: FeeTable | None = None  # dated costs (None: ``fees`` on every day)
    ratio_unconfirmed: bool = False  # the catalogue cannot confirm the ratio in use

    def ratio_on(self, day: date) -> RatioRecord:
        """The ratio in force on ``day`` (before the first record: the first record)."""
        if not self.ratios:
            return RatioRecord(self.ads_ratio, self.ratio_as_of)
        chosen = self.ratios[0]
        for record in self.ratios:
            if record.effective_from is None or record.effective_from <= day:
                chosen = record
        return chosen

    def fees_on(self, day: date) -> FeeSchedule:
        """The cost schedule in force on ``day``."""
        return self.fees if self.fee_table is None else self.fee_table.on(day)

    def legs(self) -> tuple[Instrument, Instrument, Instrument]:
        return (self.us, self.hk, self.fx)

    def stale_limit_seconds(self, instrument: Instrument) -> float:
        if instrument is self.hk or instrument.venue == "XHKG":
            return self.staleness.hk_seconds
        if instrument.is_fx:
            return self.staleness.fx_seconds
        return self.staleness.us_seconds
