"""Costs and ratios in the config: dated defaults, overrides, bounds off, the catalogue."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from monitor.app.build import build_pairs, load, redacted
from monitor.core.catalogue import catalogue
from monitor.errors import ConfigError
from tests.support.cli import run_cli

FEEDS = "feeds:\n  sim: {type: simulator}\n"


def settings_of(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "dlmon.yaml"
    path.write_text(text + FEEDS, encoding="utf-8")
    return load(path)


def test_pair_fees_are_the_table_of_the_build_day(tmp_path: Path) -> None:
    settings = settings_of(tmp_path, "pairs:\n  PONY: {}\n")
    (before,) = build_pairs(settings, today=date(2025, 6, 29))
    (after,) = build_pairs(settings, today=date(2026, 12, 1))
    assert before.fees.hk_settlement_min_hkd == 2.0 and before.fees.us_sec_fee_rate == 0.0
    assert after.fees.hk_settlement_min_hkd is None and after.fees.us_sec_fee_rate == 20.60e-6


def test_every_fee_minimum_and_maximum_can_be_set_or_switched_off(tmp_path: Path) -> None:
    text = (
        "fees:\n  hk_settlement_min_hkd: 3\n  us_finra_taf_max_usd: off\n"
        "  hk_commission_rate: 0.0003\n  hk_commission_min_hkd: 50\n"
        "pairs:\n  PONY:\n    fees:\n      hk_commission_min_hkd: off\n"
        "      hk_commission_max_hkd: 400\n      us_commission_per_share: 0.005\n"
        "      us_commission_min_usd: 1\n      us_commission_max_usd: 'off'\n"
        "  BABA: {}\n"
    )
    pony, baba = build_pairs(settings_of(tmp_path, text), today=date(2026, 12, 1))
    assert pony.fees.hk_settlement_min_hkd == baba.fees.hk_settlement_min_hkd == 3.0
    assert pony.fees.us_finra_taf_max_usd is None and baba.fees.us_finra_taf_max_usd is None
    assert (pony.fees.hk_commission_min_hkd, pony.fees.hk_commission_max_hkd) == (None, 400.0)
    assert baba.fees.hk_commission_min_hkd == 50.0 and baba.fees.hk_commission_max_hkd is None
    assert (pony.fees.us_commission_min_usd, pony.fees.us_commission_max_usd) == (1.0, None)
    # a config value holds on every date, also in replayed history
    assert pony.fee_table is not None
    assert pony.fee_table.on(date(2024, 1, 2)).hk_settlement_min_hkd == 3.0


@pytest.mark.parametrize("bad", ["-1", "true", "'sometimes'"])
def test_bad_bounds_are_refused_with_the_key(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ConfigError, match="hk_settlement_max_hkd"):
        settings_of(tmp_path, f"fees:\n  hk_settlement_max_hkd: {bad}\npairs:\n  PONY: {{}}\n")


def test_fees_as_of_pins_the_table_for_every_event(tmp_path: Path) -> None:
    text = "fees:\n  as_of: 2025-01-02\npairs:\n  PONY: {}\n"
    (pony,) = build_pairs(settings_of(tmp_path, text), today=date(2026, 12, 1))
    assert pony.fees.us_sec_fee_rate == 27.80e-6 and pony.fees.as_of == date(2025, 1, 2)
    assert pony.fees_on(date(2026, 12, 1)).hk_settlement_max_hkd == 100.0


def test_unconfirmed_ratio_is_refused_unless_given_explicitly(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"pairs\.XIACY: .*unconfirmed.*ads_ratio"):
        settings_of(tmp_path, "pairs:\n  XIACY: {}\n")
    (xiacy,) = build_pairs(settings_of(tmp_path, "pairs:\n  XIACY: {ads_ratio: 5}\n"))
    assert xiacy.ads_ratio == 5.0 and xiacy.ratio_unconfirmed
    assert xiacy.us.venue == "OTC" and xiacy.hk.lot_size == 200
    assert xiacy.ratios[0].grade == "C"


def test_yumc_same_share_on_nyse_with_a_board_lot_of_50(tmp_path: Path) -> None:
    (yumc,) = build_pairs(settings_of(tmp_path, "pairs:\n  YUMC: {}\n"))
    assert (yumc.us.symbol, yumc.us.venue, yumc.hk.symbol) == ("YUMC", "XNYS", "9987.HK")
    assert (yumc.ads_ratio, yumc.hk.lot_size) == (1.0, 50)
    assert yumc.fees.ads_issue_fee_usd == yumc.fees.ads_cancel_fee_usd == 0.0  # no ADS
    assert not yumc.ratio_unconfirmed


def test_every_catalogue_pair_has_a_graded_board_lot_and_ratio() -> None:
    for listed in catalogue().values():
        assert listed.hk_lot in {10, 20, 50, 100, 200, 400, 500, 1000}, listed.name
        assert listed.lot_confidence in {"V", "S", "U"}, listed.name
        assert listed.lot_confidence == "U" or listed.lot_source or listed.name == "PONY"
        assert listed.ratios()[-1].ratio == listed.ratio
    assert catalogue()["PONY"].hk_lot == 100 and catalogue()["YUMC"].hk_lot == 50


def test_catalogue_ratios_are_dated(tmp_path: Path) -> None:
    (pony,) = build_pairs(settings_of(tmp_path, "pairs:\n  PONY: {}\n"))
    assert pony.ratio_on(date(2025, 1, 1)).effective_from == date(2024, 11, 27)
    assert pony.ratio_on(date(2025, 1, 1)).grade == "V"


def test_check_config_prints_the_cost_table_with_dates_and_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dlmon.yaml"
    path.write_text(
        "fees:\n  hk_commission_rate: 0.0003\npairs:\n  PONY: {}\n" + FEEDS, encoding="utf-8"
    )
    result = run_cli(capsys, "check-config", str(path))
    assert result.returncode == 0, result.stderr
    table = yaml.safe_load(result.stdout)["pairs"]["PONY"]["cost_table"]
    stamp = table["hk_stamp_duty_rate"]
    assert stamp["value"] == 0.001 and stamp["effective_from"] == "2023-11-17"
    assert "2023" in stamp["source"] and stamp["grade"] == "V"
    assert table["hk_settlement_min_hkd"]["value"] == "off"
    assert table["hk_commission_rate"] == {
        "value": 0.0003,
        "effective_from": None,
        "effective_to": None,
        "source": "config fees",
        "grade": "C",
    }


def test_check_config_and_run_refuse_an_unconfirmed_ratio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dlmon.yaml"
    path.write_text("pairs:\n  XIACY: {}\n" + FEEDS, encoding="utf-8")
    result = run_cli(capsys, "check-config", str(path))
    assert result.returncode == 2 and "unconfirmed" in result.stderr
    run = run_cli(capsys, "run", "--config", str(path))  # refused before anything starts
    assert run.returncode == 2 and "pairs.XIACY" in run.stderr


def test_redacted_shows_the_ratio_history() -> None:
    data = redacted(load(None))["pairs"]["PONY"]
    assert data["ratio_history"][-1]["ratio"] == 1.0
    assert data["ratio_unconfirmed"] is False
