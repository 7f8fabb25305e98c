"""A bad configuration explains itself: exit 2, the key path, the reason, no traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from monitor.app.build import load
from tests.support.cli import Result, run_cli, run_subprocess

ROOT = Path(__file__).resolve().parents[3]
MINIMAL = """
pairs:
  PONY: {us: PONY, hk: 2026.HK, ads_ratio: 1}
feeds:
  sim: {type: simulator}
"""


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "dlmon.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def refused(result: Result, *fragments: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)


def test_a_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL.encode() + b"dashboard_url: caf\xe9\n")
    refused(run_cli(capsys, "check-config", str(path)), "line 6: not UTF-8", str(path))


def test_a_key_given_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL + "feeds:\n  other: {type: simulator}\n")
    refused(
        run_cli(capsys, "check-config", str(path)), "feeds: the key is given twice (lines 4 and 6)"
    )
    nested = write(tmp_path, "server:\n  port: 1\n  port: 2\n" + MINIMAL)
    refused(run_cli(capsys, "check-config", str(nested)), "server.port: the key is given twice")


def test_text_that_is_not_yaml_names_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # one parse both checks the keys and builds the data: a syntax error is YAML's message
    path = write(tmp_path, MINIMAL + "server:\n  port: [9108\n")
    refused(run_cli(capsys, "check-config", str(path)), "not valid YAML", "line 8")
    tagged = write(tmp_path, MINIMAL + "dashboard_url: !!python/name:os.system\n")
    refused(run_cli(capsys, "check-config", str(tagged)), "not valid YAML")


def test_an_unknown_feed_type_names_the_key_and_the_known_types(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, MINIMAL.replace("type: simulator", "type: simulatr"))
    refused(
        run_cli(capsys, "check-config", str(path)),
        "feeds.sim.type: unknown feed type 'simulatr'",
        "known: alpaca, finnhub",
    )


def test_a_missing_variable_names_the_file_and_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    path = write(tmp_path, MINIMAL + "dashboard_url: ${NO_SUCH_TOKEN}\n")
    refused(
        run_cli(capsys, "check-config", str(path)),
        f"{path}: dashboard_url: environment variable NO_SUCH_TOKEN is not set",
    )


def test_a_bad_environment_value_is_blamed_on_the_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLMON_SERVER__PORT", "abc")
    refused(
        run_cli(capsys, "check-config", str(write(tmp_path, MINIMAL))),
        "server.port: ",
        "(from environment variable DLMON_SERVER__PORT)",
    )
    monkeypatch.delenv("DLMON_SERVER__PORT")
    monkeypatch.setenv("DLMON_FEEDS__SIM__SEED", "x")  # a provider option
    refused(
        run_cli(capsys, "check-config", str(write(tmp_path, MINIMAL))),
        "(from environment variable DLMON_FEEDS__SIM__SEED)",
    )


def test_a_dlmon_variable_that_matches_no_setting_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLMON_SERVR__PORT", "1")
    refused(
        run_cli(capsys, "check-config", str(write(tmp_path, MINIMAL))),
        "DLMON_SERVR__PORT matches no setting",
    )
    monkeypatch.delenv("DLMON_SERVR__PORT")
    monkeypatch.setenv("DLMON_MY_URL", "https://example.org/")  # referenced as ${...}: fine
    monkeypatch.setenv("DLMON_URL", "http://127.0.0.1:9108")  # read by `dlmon status`: fine
    monkeypatch.setenv("DLMON_API_TOKEN", "t")  # read by `dlmon silence`: fine
    assert load(write(tmp_path, MINIMAL + "dashboard_url: ${DLMON_MY_URL}\n")).dashboard_url


def test_enumerations_accept_any_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLMON_LOG__LEVEL", "debug")
    text = MINIMAL.replace("simulator", "Simulator") + (
        "sessions: {mode: ALWAYS_OPEN}\n"
        "alerts:\n  rules:\n    high: {kind: Premium, threshold: 0.02, severity: Critical}\n"
    )
    settings = load(write(tmp_path, text))
    assert settings.log.level == "DEBUG" and settings.sessions.mode == "always_open"
    assert settings.feeds["sim"].type == "simulator"
    rule = settings.alerts.rules["high"]
    assert (rule.kind, rule.severity) == ("premium", "critical")


def test_one_environment_key_merges_into_a_default_alert_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLMON_ALERTS__RULES__EDGE_POSITIVE__THRESHOLD", "0.004")
    rules = load(write(tmp_path, MINIMAL)).alerts.rules
    assert sorted(rules) == ["edge_positive", "feed_down", "leg_stale", "usdhkd_peg_band"]
    assert rules["edge_positive"].kind == "edge"
    assert rules["edge_positive"].threshold == 0.004  # type: ignore[union-attr]


def test_check_config_refuses_an_instrument_no_feed_serves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MINIMAL.replace("{type: simulator}", "{type: simulator, instruments: [PONY, USDHKD]}")
    refused(
        run_cli(capsys, "check-config", str(write(tmp_path, text))),
        "pairs.PONY: 2026.HK: no enabled feed serves this instrument",
    )


def test_check_config_without_a_file_checks_the_effective_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DLMON_CONFIG", raising=False)
    builtin = run_cli(capsys, "check-config")
    assert builtin.returncode == 0 and "# <built-in default>: OK" in builtin.stdout
    path = write(tmp_path, MINIMAL.replace("type: simulator", "type: nope"))
    monkeypatch.setenv("DLMON_CONFIG", str(path))
    refused(run_cli(capsys, "check-config"), f"{path}: feeds.sim.type: unknown feed type")


def test_a_port_in_use_is_one_line_naming_the_address_and_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("DLMON_SERVER__PORT", str(port))
        result = run_subprocess("run", "--config", str(write(tmp_path, MINIMAL)), cwd=tmp_path)
    refused(result, f"127.0.0.1:{port}", "DLMON_SERVER__PORT", "address already in use")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_rule_set_from_the_environment_is_blamed_there_with_a_plain_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLMON_ALERTS__RULES__EDGE_POSITIVE__THRESHOLD", "lots")
    refused(
        run_cli(capsys, "check-config", str(write(tmp_path, MINIMAL))),
        "alerts.rules.edge_positive.threshold: ",  # not ...edge_positive.edge.threshold
        "(from environment variable DLMON_ALERTS__RULES__EDGE_POSITIVE__THRESHOLD)",
    )
    monkeypatch.delenv("DLMON_ALERTS__RULES__EDGE_POSITIVE__THRESHOLD")
    monkeypatch.setenv("DLMON_ALERTS__RULES__NEW__THRESHOLD", "0.01")
    refused(
        run_cli(capsys, "check-config", str(write(tmp_path, MINIMAL))),
        "alerts.rules.new: no 'kind' given (from environment variable"
        " DLMON_ALERTS__RULES__NEW__THRESHOLD)",
    )
