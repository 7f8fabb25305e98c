"""Configuration loading: defaults, env overrides, secrets, errors with key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.app.build import build_pairs, feed_options, load, redacted
from monitor.errors import ConfigError
from monitor.feeds.simulator import SimulatorOptions
from tests.support.cli import run_cli, run_subprocess

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dlmon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
pairs:
  BABA: {}
feeds:
  sim: {type: simulator}
"""


def test_builtin_default_equals_the_shipped_file() -> None:
    shipped = (ROOT / "config" / "default.yaml").read_text(encoding="utf-8")
    packaged = (ROOT / "monitor" / "data" / "default.yaml").read_text(encoding="utf-8")
    assert shipped == packaged
    settings = load(None)
    assert settings.server.port == 9108
    assert [p.name for p in build_pairs(settings)] == ["PONY"]


def test_pair_from_the_catalogue_by_name(tmp_path: Path) -> None:
    settings = load(write(tmp_path, MINIMAL))
    (pair,) = build_pairs(settings)
    assert (pair.us.symbol, pair.hk.symbol, pair.ads_ratio) == ("BABA", "9988.HK", 8.0)


def test_env_overrides_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLMON_SERVER__PORT", "9200")
    monkeypatch.setenv("DLMON_FEEDS__SIM__SEED", "42")
    monkeypatch.setenv("DLMON_PAIRS__BABA__EDGE_NOTIONAL_USD", "250000")
    settings = load(write(tmp_path, MINIMAL))
    assert settings.server.port == 9200
    options = feed_options("sim", settings.feeds["sim"])
    assert isinstance(options, SimulatorOptions) and options.seed == 42
    assert build_pairs(settings)[0].edge_notional_usd == 250_000


def test_fee_overrides_global_and_per_pair(tmp_path: Path) -> None:
    text = (
        MINIMAL.replace("  BABA: {}", "  BABA:\n    fees: {ads_issue_fee_usd: 0.02}")
        + "fees:\n  hk_stamp_duty_rate: 0.0013\n"
    )
    (pair,) = build_pairs(load(write(tmp_path, text)))
    assert pair.fees.ads_issue_fee_usd == 0.02
    assert pair.fees.hk_stamp_duty_rate == 0.0013
    assert pair.fees.ads_cancel_fee_usd == 0.05  # untouched default


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("server: {port: 99999}\n" + MINIMAL, "server.port"),
        ("pairs: {}\nfeeds: {sim: {type: simulator}}\n", "at least one pair"),
        (MINIMAL.replace("simulator", "nonesuch"), "unknown feed type 'nonesuch'"),
        (MINIMAL.replace("{type: simulator}", "{type: simulator, seed: x}"), "feeds.sim: "),
        (MINIMAL.replace("BABA: {}", "NOPE: {}"), "pairs.NOPE: not in the built-in catalogue"),
        (MINIMAL + "bogus: 1\n", "bogus"),
        (MINIMAL.replace("{type: simulator}", "{type: simulator, instruments: [X]}"), "X is not"),
        ("pairs: [1, 2\n", "not valid YAML"),
        (MINIMAL.replace("BABA: {}", "BABA: {ads_ratio: -1}"), "pairs.BABA.ads_ratio"),
    ],
)
def test_bad_config_names_the_key_and_reason(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(write(tmp_path, text))
    assert fragment in str(info.value)


def test_env_reference_and_secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_SEED", "11")
    text = MINIMAL.replace("{type: simulator}", "{type: simulator, seed: '${SIM_SEED}'}")
    settings = load(write(tmp_path, text))
    assert settings.feeds["sim"].options_data()["seed"] == "11"
    missing = MINIMAL.replace("{type: simulator}", "{type: simulator, seed: '${NOPE_UNSET}'}")
    with pytest.raises(ConfigError, match="NOPE_UNSET is not set"):
        load(write(tmp_path, missing))


def test_check_config_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = run_subprocess("check-config", str(ROOT / "config" / "default.yaml"), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "type: simulator" in good.stdout
    bad = write(tmp_path, "server: {port: -1}\n" + MINIMAL)
    result = run_cli(capsys, "check-config", str(bad))
    assert result.returncode == 2
    assert "server.port" in result.stderr and "greater than or equal to 0" in result.stderr


def test_redacted_config_is_plain_data() -> None:
    data = redacted(load(None))
    assert data["feeds"]["sim"]["type"] == "simulator"
    assert data["pairs"]["PONY"]["ads_ratio"] == 1.0


def test_section_defaults_are_what_validation_builds() -> None:
    # the defaults are built with model_construct (no schema build at import): the same values
    from pydantic import BaseModel

    from monitor.settings.root import FeeOverrides, PairConfig, Settings

    fields = [*Settings.model_fields.values(), PairConfig.model_fields["fees"]]
    defaults = [f.default for f in fields if isinstance(f.default, BaseModel)]
    assert len(defaults) == 13
    for default in defaults:
        assert default == type(default)(), type(default).__name__
        assert default.model_fields_set == set()
    assert FeeOverrides().set_fields() == {}


def test_empty_defaults_are_not_shared() -> None:
    # settings write an empty default as [] or {} (cheaper at start-up than a builtin
    # factory): pydantic copies it for each instance
    from monitor.settings.notify import NotifyConfig
    from monitor.settings.universe import IndexConfig

    first, second = NotifyConfig(), NotifyConfig()
    assert first.routes == [] and first.routes is not second.routes
    assert first.sinks == {} and first.sinks is not second.sinks
    assert IndexConfig().pairs is not IndexConfig().pairs


def test_named_entries_keep_the_order_they_are_written_in() -> None:
    # names in lower case once came out in a set's order (check-config's rules changed
    # order from run to run); an environment variable's entry still merges into its twin
    from monitor.settings.root import _fold_case

    names = [f"rule_{c}" for c in "hgfedcba"]
    entries = {name: {"kind": "edge"} for name in names}
    assert list(_fold_case(entries)) == names
    merged = _fold_case({"PONY": {"hk": "2026.HK"}, "b": {}, "pony": {"us": "PONY"}, "a": {}})
    assert merged == {"PONY": {"hk": "2026.HK", "us": "PONY"}, "b": {}, "a": {}}
    assert list(merged) == ["PONY", "b", "a"]
