"""``dlmon replay`` as a user runs it over the fixture files (one run as a subprocess)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_subprocess
from tests.support.oracle import mid_premium

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ticks"
Capture = pytest.CaptureFixture[str]


def test_replay_prints_the_per_pair_summary(tmp_path: Path) -> None:
    # the fixture's prices are made up for a moment when only NASDAQ trades: demo sessions
    result = run_subprocess(
        "replay", str(FIXTURES / "pony_iso.csv"), "--sessions", "always_open", cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "10 events, 10 accepted, 0 rejected, 0 malformed rows" in out
    assert "recorded time 2026-11-20T14:30:00.000000000Z .. 2026-11-20T14:30:07.500000000Z" in out
    assert "pair PONY: 8 premium updates" in out
    assert "final snapshot at 2026-11-20T14:30:07.500000000Z (live, fresh)" in out


def test_replay_json_summary_has_the_recorded_premiums(capsys: Capture) -> None:
    result = run_cli(capsys, "replay", str(FIXTURES / "pony_iso.csv"), "--speed", "max", "--json")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    (pony,) = summary["pairs"]
    first = mid_premium(15.23, 7.7812, 118.45, 1.0)  # all three legs quoted at 14:30:00.5
    last = mid_premium(15.27, 7.781, 118.55, 1.0)
    assert summary["events"] == 10 and summary["malformed_rows"] == 0
    assert pony["mid"]["first"] == {
        "value": pytest.approx(first),
        "ts": "2026-11-20T14:30:00.500000000Z",
    }
    assert pony["mid"]["last"]["value"] == pytest.approx(last)
    assert pony["mid"]["max"]["value"] >= pony["mid"]["min"]["value"]
    assert pony["final"]["premium"]["mid"] == pytest.approx(last)
    assert pony["final"]["stale"] is False


def test_replay_reports_malformed_rows_by_file_and_line(capsys: Capture) -> None:
    path = FIXTURES / "pony_malformed.csv"

    result = run_cli(capsys, "replay", str(path), "--json")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["events"] == 4
    assert summary["malformed_rows"] == 5
    assert summary["malformed_examples"][0].startswith(f"{path}:4: ts ")
    assert f"{path}:9: expected 9 columns, got 8" in result.stderr


def test_strict_replay_fails_on_the_first_malformed_row(capsys: Capture) -> None:
    path = FIXTURES / "pony_malformed.csv"

    result = run_cli(capsys, "replay", str(path), "--strict")

    assert result.returncode == 1
    assert f"{path}:4:" in result.stderr


def test_series_csv_has_one_row_per_premium_update(tmp_path: Path, capsys: Capture) -> None:
    out = tmp_path / "premiums.csv"

    result = run_cli(
        capsys, "replay", str(FIXTURES / "pony_sim_recorded.csv"), "--series", str(out)
    )

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0].keys() == {
        "ts", "pair", "mid", "buy_hk_sell_us", "buy_us_sell_hk", "us_mid", "hk_mid", "fx_mid",
    }  # fmt: skip
    assert len(rows) > 100
    last = rows[-1]
    expected = mid_premium(float(last["us_mid"]), float(last["fx_mid"]), float(last["hk_mid"]), 1)
    assert float(last["mid"]) == pytest.approx(expected, rel=1e-12)


def test_missing_file_is_reported_as_a_missing_file(tmp_path: Path, capsys: Capture) -> None:
    result = run_cli(capsys, "replay", str(tmp_path / "nope.csv"))

    assert result.returncode == 2
    assert result.stderr == f"dlmon: no such file: {tmp_path / 'nope.csv'}\n"


def test_replay_uses_the_real_exchange_calendars_by_default(capsys: Capture) -> None:
    # 2026-11-20 14:30:07 UTC: NASDAQ has just opened, HKEX closed at 08:00 UTC
    result = run_cli(capsys, "replay", str(FIXTURES / "pony_iso.csv"), "--json")

    assert result.returncode == 0, result.stderr
    final = json.loads(result.stdout)["pairs"][0]["final"]
    assert final["premium"]["basis"] == "reference"
    assert final["hk"]["session"] == "closed" and final["us"]["session"] == "regular"


def test_replay_shows_progress_on_request(capsys: Capture) -> None:
    path = FIXTURES / "pony_sim_recorded.csv"

    result = run_cli(capsys, "replay", str(path), "--json", "--progress")

    assert result.returncode == 0, result.stderr
    rows = len(path.read_text().splitlines()) - 1
    assert f"replay 100% {rows:,}/{rows:,} rows" in result.stderr
    json.loads(result.stdout)  # stdout keeps only the summary


def test_bad_speed_is_a_usage_error(capsys: Capture) -> None:
    result = run_cli(capsys, "replay", str(FIXTURES / "pony_iso.csv"), "--speed", "-3")

    assert result.returncode == 2
    assert "speed must be a number >= 0" in result.stderr


def test_production_config_replays_on_the_recorded_days_sessions(
    tmp_path: Path, capsys: Capture
) -> None:
    config = tmp_path / "prod.yaml"
    config.write_text(
        "sessions: {mode: exchange}\n"
        "pairs:\n  PONY: {us: PONY, hk: 2026.HK, ads_ratio: 1}\n"
        "feeds:\n  polygon: {type: polygon, api_key: '${DLMON_TEST_UNSET_KEY}'}\n"
        f"recorder: {{enabled: true, directory: {tmp_path / 'ticks'}}}\n",
        encoding="utf-8",
    )

    result = run_cli(
        capsys, "replay", str(FIXTURES / "pony_iso.csv"), "--config", str(config), "--json"
    )

    assert result.returncode == 0, result.stderr
    (pony,) = json.loads(result.stdout)["pairs"]
    final = pony["final"]
    assert final["us"]["session"] == "regular"  # Friday 2026-11-20 09:30:07 New York
    assert final["hk"]["session"] == "closed"  # 22:30 in Hong Kong
    assert final["premium"]["basis"] == "reference"
    assert not (tmp_path / "ticks").exists()  # a replay never records
