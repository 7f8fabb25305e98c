"""Alert configuration: ratio syntax, level checks, defaults, state file robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from monitor.alerts.service import AlertService
from monitor.alerts.store import StateStore
from monitor.settings.alerts import (
    AlertsConfig,
    InhibitRuleConfig,
    PremiumRule,
    default_inhibit_rules,
    default_rules,
)
from monitor.settings.root import load_settings
from tests.support.alert_snapshots import T0, pair_view, snapshot


def test_ratio_accepts_percent_bp_and_plain() -> None:
    rules = AlertsConfig.model_validate(
        {
            "rules": {
                "a": {"kind": "premium", "threshold": "1.5%"},
                "b": {"kind": "premium", "threshold": "150bp", "clear": "120 bp"},
                "c": {"kind": "premium", "threshold": 0.015, "direction": "below", "clear": 0.02},
            }
        }
    ).rules
    assert [r.threshold for r in rules.values() if isinstance(r, PremiumRule)] == [
        pytest.approx(0.015)
    ] * 3


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "premium", "threshold": "2 pct"},
        {"kind": "premium", "threshold": "2%", "clear": "2.5%"},
        {"kind": "premium", "threshold": "-2%", "direction": "below", "clear": "-3%"},
        {"kind": "fx_band", "low": 7.85, "high": 7.75},
        {"kind": "spread", "multiple": 2, "clear_multiple": 3},
        {"kind": "nonsense"},
    ],
)
def test_bad_rules_are_rejected(rule: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        AlertsConfig.model_validate({"rules": {"r": rule}})


def test_defaults_cover_data_quality_and_peg() -> None:
    kinds = {r.kind for r in AlertsConfig().rules.values()}
    assert kinds == {"stale_leg", "feed_down", "fx_band", "edge"}


def test_a_config_without_rules_loads_the_same_default_rules() -> None:
    # load_settings writes the default rules into the file's data (default_rule_data);
    # they validate to what AlertsConfig() holds, keys set and all
    loaded = load_settings(None).alerts.rules
    assert loaded == default_rules() == AlertsConfig().rules
    assert [r.model_fields_set for r in loaded.values()] == [
        r.model_fields_set for r in default_rules().values()
    ]


def test_default_inhibit_rules_are_valid() -> None:
    # built with model_construct (no validation): validating them changes nothing
    for rule in default_inhibit_rules():
        validated = InhibitRuleConfig.model_validate(rule.model_dump())
        assert validated == rule
        assert validated.model_fields_set == rule.model_fields_set


async def test_corrupt_state_file_is_reported_and_ignored(tmp_path: Path) -> None:
    cfg = AlertsConfig(state_dir=tmp_path)
    StateStore(tmp_path).path.write_text("{not json", encoding="utf-8")
    service = AlertService(cfg, lambda now: snapshot(pair_view(now=now), now=now), list)
    await service.start()
    assert service.api_alerts() == []
    await service.evaluate_once()
    await service.close()
    assert StateStore(tmp_path).load() == {"version": 1, "alerts": []}


def test_empty_state_creates_no_file(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "never")
    store.save({"version": 1, "alerts": []})
    assert not (tmp_path / "never").exists()


def test_state_store_writes_atomically(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "nested")
    store.save({"version": 1, "alerts": [{"t": T0}]})
    assert store.load() == {"version": 1, "alerts": [{"t": T0}]}
    assert not list((tmp_path / "nested").glob("*.tmp"))


def test_rule_naming_an_unknown_pair_is_a_config_error() -> None:
    from monitor.app.alerting import build_alerting
    from monitor.app.build import load
    from monitor.errors import ConfigError

    base = load()
    bad = base.model_copy(
        update={
            "alerts": AlertsConfig.model_validate(
                {"rules": {"p": {"kind": "premium", "threshold": "2%", "pairs": ["NOPE"]}}}
            )
        }
    )
    with pytest.raises(ConfigError, match=r"alerts.rules.p.pairs: unknown pair\(s\) NOPE"):
        build_alerting(bad, lambda now: snapshot(pair_view(now=now), now=now), list)
