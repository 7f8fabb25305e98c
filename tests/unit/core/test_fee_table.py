"""The dated fee table: each dated default the day before, on and after its change."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.core.fee_table import NS_PER_DAY, FeeRecord, FeeTable, day_of, default_fee_table
from monitor.core.fees import FeeSchedule

T = default_fee_table()


def on(day: str) -> FeeSchedule:
    return T.on(date.fromisoformat(day))


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        ("2021-07-31", 0.001),
        ("2021-08-01", 0.0013),
        ("2023-11-16", 0.0013),
        ("2023-11-17", 0.001),
        ("2023-11-18", 0.001),
    ],
)
def test_hk_stamp_duty(day: str, rate: float) -> None:
    assert on(day).hk_stamp_duty_rate == rate


@pytest.mark.parametrize(
    ("day", "rate", "low", "high"),
    [
        ("2025-06-28", 0.00002, 2.0, 100.0),
        ("2025-06-29", 0.00002, 2.0, 100.0),
        ("2025-06-30", 0.000042, None, None),
        ("2025-07-01", 0.000042, None, None),
    ],
)
def test_hkscc_settlement(day: str, rate: float, low: float | None, high: float | None) -> None:
    fees = on(day)
    assert (fees.hk_settlement_rate, fees.hk_settlement_min_hkd) == (rate, low)
    assert fees.hk_settlement_max_hkd == high


@pytest.mark.parametrize(
    ("day", "rate"),
    [
        ("2025-05-13", 27.80e-6),
        ("2025-05-14", 0.0),
        ("2025-05-15", 0.0),
        ("2026-04-03", 0.0),
        ("2026-04-04", 20.60e-6),
        ("2026-04-05", 20.60e-6),
    ],
)
def test_sec_section_31(day: str, rate: float) -> None:
    assert on(day).us_sec_fee_rate == rate


@pytest.mark.parametrize(
    ("day", "per_share", "cap"),
    [
        ("2025-12-31", 0.000166, 8.30),
        ("2026-01-01", 0.000195, 9.79),
        ("2026-12-01", 0.000195, 9.79),  # the reported Q4 2026 holiday is not confirmed
    ],
)
def test_finra_taf(day: str, per_share: float, cap: float) -> None:
    fees = on(day)
    assert (fees.us_finra_taf_per_share, fees.us_finra_taf_max_usd) == (per_share, cap)


@pytest.mark.parametrize(("day", "rate"), [("2021-12-31", 0.0), ("2022-01-01", 0.0000015)])
def test_afrc_levy(day: str, rate: float) -> None:
    assert on(day).hk_afrc_levy_rate == rate


def test_unchanged_fees_and_the_schedule_defaults_agree_with_the_table() -> None:
    fees = on("2026-04-04")
    assert fees == FeeSchedule()  # the dataclass defaults are the table on its as_of
    assert (fees.hk_sfc_levy_rate, fees.hk_trading_fee_rate) == (0.000027, 0.0000565)
    assert (fees.ads_issue_fee_usd, fees.ads_cancel_fee_usd) == (0.05, 0.05)


def test_every_record_has_a_source_and_a_grade() -> None:
    for record in T.in_force(date(2026, 12, 1)).values():
        if record is not None:
            assert record.source and record.grade in {"V", "S", "U"}


def test_a_config_override_holds_on_every_date_and_can_switch_a_bound_off() -> None:
    table = T.with_overrides(
        {"us_sec_fee_rate": 1e-5, "hk_settlement_min_hkd": None}, "config fees"
    )
    for day in ("2025-05-13", "2025-05-14", "2026-04-04"):
        assert table.on(date.fromisoformat(day)).us_sec_fee_rate == 1e-5
    old = table.on(date(2025, 6, 1))
    assert old.hk_settlement_min_hkd is None and old.hk_settlement_max_hkd == 100.0
    record = table.record("us_sec_fee_rate", date(2026, 1, 1))
    assert record is not None and (record.source, record.grade) == ("config fees", "C")


def test_a_pinned_table_uses_one_day_for_every_event() -> None:
    pinned = T.with_overrides({}, "config fees", pinned=date(2025, 1, 2))
    fees = pinned.on(date(2026, 6, 1))
    assert fees.us_sec_fee_rate == 27.80e-6 and fees.hk_settlement_min_hkd == 2.0
    assert fees.as_of == date(2025, 1, 2)


def test_a_day_is_looked_up_once() -> None:
    table = FeeTable([FeeRecord("us_sec_fee_rate", 1e-6, date(2020, 1, 1))])
    assert table.on(date(2026, 1, 5)) is table.on(date(2026, 1, 5))
    ts = 20_000 * NS_PER_DAY + 5
    assert day_of(ts) == date(2024, 10, 4) and table.at(ts) is table.on(date(2024, 10, 4))


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        FeeTable([FeeRecord("hk_stamp", 0.001, date(2020, 1, 1))])


@pytest.mark.parametrize(
    ("day", "rate"), [("2022-12-31", 0.00005), ("2023-01-01", 0.0000565), ("2023-01-02", 0.0000565)]
)
def test_hkex_trading_fee(day: str, rate: float) -> None:
    assert on(day).hk_trading_fee_rate == rate


def test_sfc_levy_from_november_2014() -> None:
    record = T.record("hk_sfc_levy_rate", date(2014, 11, 1))
    assert record is not None and record.effective_from == date(2014, 11, 1)
    assert on("2014-11-01").hk_sfc_levy_rate == 0.000027
