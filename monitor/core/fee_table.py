"""The dated fee table: which cost was in force on which day, with its source and grade.

Each :class:`FeeRecord` gives one :class:`~monitor.core.fees.FeeSchedule` field a value
from ``effective_from`` to ``effective_to`` (inclusive; ``None`` while current). A
:class:`FeeTable` builds the schedule of any day from its records, then the config's
overrides (every date), and caches it per day: the premium is read for every pair on
every snapshot, so a day's schedule is looked up once, never searched per event.

Days are UTC calendar days (``ts_ns // NS_PER_DAY``), which are the local trading days
of HKEX (09:30-16:10 HKT = 01:30-08:10 UTC) and of the US regular session.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Final, NamedTuple

from monitor.core.data_files import load_data_file
from monitor.core.fees import FeeSchedule

NS_PER_DAY: Final = 86_400 * 1_000_000_000
EPOCH: Final = date(1970, 1, 1)
FEE_FIELDS = tuple(f.name for f in dataclasses.fields(FeeSchedule) if f.name != "as_of")
"""Every cost field a record or an override may set."""

FeeValue = float | None
"""A rate or amount; ``None`` switches a minimum or maximum off."""


def day_of(ts_ns: int) -> date:
    """The UTC calendar day of ``ts_ns``."""
    return EPOCH + timedelta(days=ts_ns // NS_PER_DAY)


class FeeRecord(NamedTuple):
    """One value of one cost field, in force from ``effective_from`` to ``effective_to``."""

    field: str
    value: FeeValue
    effective_from: date
    effective_to: date | None = None
    source: str = ""
    grade: str = ""  # V primary source, S secondary, U unconfirmed, C set in the config

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class FeeTable:
    """Dated records plus config overrides; ``on(day)`` gives that day's schedule (cached).

    ``pinned``: evaluate every event on this one day's table (``fees.as_of``), e.g. to
    replay history at a stated fee table.
    """

    __slots__ = ("_cache", "_records", "overrides", "pinned")

    def __init__(
        self,
        records: Iterable[FeeRecord],
        overrides: Mapping[str, FeeRecord] | None = None,
        pinned: date | None = None,
    ) -> None:
        by_field: dict[str, list[FeeRecord]] = {}
        for record in records:
            if record.field not in FEE_FIELDS:
                raise ValueError(f"fee table: unknown field {record.field!r}")
            by_field.setdefault(record.field, []).append(record)
        self._records = {k: sorted(v, key=lambda r: r.effective_from) for k, v in by_field.items()}
        self.overrides = dict(overrides or {})
        self.pinned = pinned
        self._cache: dict[int, FeeSchedule] = {}

    def with_overrides(
        self, values: Mapping[str, FeeValue], source: str, pinned: date | None = None
    ) -> FeeTable:
        """This table with ``values`` set for every date (a config section named ``source``)."""
        overrides = dict(self.overrides)
        for name, value in values.items():
            overrides[name] = FeeRecord(name, value, EPOCH, None, source, "C")
        records = [r for rs in self._records.values() for r in rs]
        return FeeTable(records, overrides, pinned if pinned is not None else self.pinned)

    def record(self, name: str, day: date) -> FeeRecord | None:
        """The record of field ``name`` in force on ``day`` (override first), or None."""
        if self.pinned is not None:
            day = self.pinned
        if name in self.overrides:
            return self.overrides[name]
        records = self._records.get(name)
        if not records:
            return None
        chosen = records[0]  # before the first record: the earliest value known
        for record in records:
            if record.effective_from <= day:
                chosen = record
        return chosen

    def in_force(self, day: date) -> dict[str, FeeRecord | None]:
        """Every cost field and the record that sets it on ``day`` (None: built-in default)."""
        return {name: self.record(name, day) for name in FEE_FIELDS}

    def on(self, day: date) -> FeeSchedule:
        """The schedule in force on ``day`` (cached per day)."""
        key = day.toordinal()
        schedule = self._cache.get(key)
        if schedule is None:
            values: dict[str, Any] = {
                n: r.value for n, r in self.in_force(day).items() if r is not None
            }
            schedule = dataclasses.replace(FeeSchedule(), as_of=self.pinned or day, **values)
            self._cache[key] = schedule
        return schedule

    def at(self, ts_ns: int) -> FeeSchedule:
        """The schedule in force on the UTC day of ``ts_ns``."""
        return self.on(day_of(ts_ns))

    def changes(self) -> list[date]:
        """Every date on which a dated default starts or ends (for docs and tests)."""
        days = {r.effective_from for rs in self._records.values() for r in rs}
        days |= {
            r.effective_to + timedelta(days=1)
            for rs in self._records.values()
            for r in rs
            if r.effective_to is not None
        }
        return sorted(days)


def _record(row: Mapping[str, object]) -> FeeRecord:
    value = row["value"]
    return FeeRecord(
        field=str(row["field"]),
        value=None if value is None else float(value),  # type: ignore[arg-type]
        effective_from=row["effective_from"],  # type: ignore[arg-type]
        effective_to=row.get("effective_to"),  # type: ignore[arg-type]
        source=str(row.get("source", "")),
        grade=str(row.get("grade", "")),
    )


@lru_cache(maxsize=1)
def default_fee_table() -> FeeTable:
    """The built-in dated fee table (``monitor/data/fees.yaml``)."""
    return FeeTable(_record(row) for row in load_data_file("fees.yaml"))


__all__ = [
    "FEE_FIELDS",
    "NS_PER_DAY",
    "FeeRecord",
    "FeeTable",
    "FeeValue",
    "day_of",
    "default_fee_table",
]
