"""Each rule kind against synthetic snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

import pytest
from pydantic import TypeAdapter

from monitor.alerts.model import Condition, Observation
from monitor.alerts.rules import RULE_CLASSES, build_rule
from monitor.core.snapshot import MarketSnapshot
from monitor.feeds.base import FeedHealth
from monitor.settings.alerts import RuleConfig
from tests.support.alert_snapshots import NS, T0, feed, leg, pair_view, snapshot

RULE = TypeAdapter(RuleConfig)


def observe(
    cfg: dict[str, Any], snap: MarketSnapshot, feeds: Sequence[FeedHealth] = (), now: int = T0
) -> list[Observation]:
    rule = build_rule("r", RULE.validate_python(cfg))
    return list(rule.observe(snap, list(feeds), now))


def test_every_rule_config_type_has_a_rule_class() -> None:
    union, *_ = get_args(RuleConfig)
    assert set(RULE_CLASSES) == set(get_args(union))


def test_build_rule_refuses_an_unknown_config_type() -> None:
    with pytest.raises(TypeError, match="'odd'"):
        build_rule("odd", object())  # type: ignore[arg-type]


def test_premium_above_threshold_with_percent_and_bp_syntax() -> None:
    cfg = {"kind": "premium", "threshold": "2%", "clear": "190bp"}
    [hot] = observe(cfg, snapshot(pair_view(mid=0.0235)))
    [between] = observe(cfg, snapshot(pair_view(mid=0.0195)))
    [cold] = observe(cfg, snapshot(pair_view(mid=0.015)))
    [missing] = observe(cfg, snapshot(pair_view(mid=None)))
    assert (hot.condition, between.condition, cold.condition) == (
        Condition.ACTIVE,
        Condition.HOLD,
        Condition.CLEAR,
    )
    assert missing.condition is Condition.UNKNOWN
    assert hot.text == "mid premium +2.35 % (+235 bp)"
    assert hot.trigger == "above +2.00 % (+200 bp)"
    assert hot.threshold == 0.02


def test_premium_below_on_executable_basis_and_pair_filter() -> None:
    cfg = {"kind": "premium", "basis": "buy_us_sell_hk", "direction": "below", "threshold": -0.01}
    snap = snapshot(pair_view(us_hk=-0.02), pair_view(pair="BABA", us_hk=0.0))
    obs = {o.pair: o.condition for o in observe(cfg, snap)}
    assert obs == {"PONY": Condition.ACTIVE, "BABA": Condition.CLEAR}
    only = observe({**cfg, "pairs": ["BABA"]}, snap)
    assert [o.pair for o in only] == ["BABA"]


def test_edge_any_basis_picks_best_and_needs_live_session() -> None:
    cfg = {"kind": "edge"}
    [o] = observe(cfg, snapshot(pair_view(hk_us=-0.001, us_hk=0.0012)))
    assert o.condition is Condition.ACTIVE and o.labels["basis"] == "buy_us_sell_hk"
    [ref] = observe(cfg, snapshot(pair_view(hk_us=0.01, basis="reference")))
    assert ref.condition is Condition.ACTIVE and ref.text.endswith("reference price")
    [live_only] = observe(
        {**cfg, "live_only": True}, snapshot(pair_view(hk_us=0.01, basis="reference"))
    )
    assert live_only.condition is Condition.CLEAR


def test_zscore_needs_history_then_flags_outlier() -> None:
    cfg = {"kind": "zscore", "min_samples": 10, "threshold": 3, "clear": 2}
    rule = build_rule("z", RULE.validate_python(cfg))
    conds = []
    for i in range(30):
        now = T0 + i * NS
        value = 0.01 + (0.0005 if i % 2 else -0.0005)
        [o] = rule.observe(snapshot(pair_view(mid=value, now=now), now=now), [], now)
        conds.append(o.condition)
    assert conds[0] is Condition.UNKNOWN
    assert all(c is Condition.CLEAR for c in conds[10:])
    now = T0 + 30 * NS
    [spike] = rule.observe(snapshot(pair_view(mid=0.02, now=now), now=now), [], now)
    assert spike.condition is Condition.ACTIVE and spike.value is not None and spike.value > 3


def test_stale_leg_only_counts_in_session() -> None:
    hk_stale = leg("2026.HK", "XHKG", 139.1, 139.2, age_s=90, stale=True, stale_reason="silent")
    hk_closed = leg(
        "2026.HK", "XHKG", 139.1, 139.2, stale=True, stale_reason="old", market_open=False
    )
    obs = observe({"kind": "stale_leg", "legs": ["hk"]}, snapshot(pair_view(hk=hk_stale)))
    assert [o.condition for o in obs] == [Condition.ACTIVE]
    assert obs[0].value == 90.0
    assert obs[0].text == "HK leg 2026.HK stale: silent"
    obs = observe({"kind": "stale_leg", "legs": ["hk"]}, snapshot(pair_view(hk=hk_closed)))
    assert [o.condition for o in obs] == [Condition.CLEAR]
    assert obs[0].text == "HK leg 2026.HK stale: old, venue closed"


def test_feed_down_per_feed() -> None:
    feeds = [feed("polygon", up=False, last_ns=T0 - 42 * NS), feed("sim")]
    obs = observe({"kind": "feed_down"}, snapshot(pair_view()), feeds)
    assert {o.subject: o.condition for o in obs} == {
        "feed:polygon": Condition.ACTIVE,
        "feed:sim": Condition.CLEAR,
    }
    assert "backoff (refused), last message 42 s ago" in obs[0].text


def test_fx_band_near_weak_side_outside_and_inside() -> None:
    cfg = {"kind": "fx_band"}
    [near] = observe(cfg, snapshot(pair_view(fx_mid=7.849)))
    [out] = observe(cfg, snapshot(pair_view(fx_mid=7.86)))
    [mid] = observe(cfg, snapshot(pair_view(fx_mid=7.80)))
    [hold] = observe(cfg, snapshot(pair_view(fx_mid=7.847)))
    assert near.condition is Condition.ACTIVE and "weak-side" in near.text
    assert out.condition is Condition.ACTIVE and "outside the band" in out.text
    assert mid.condition is Condition.CLEAR
    assert hold.condition is Condition.HOLD
    assert near.pair == "USDHKD"


def test_spread_wider_than_multiple_of_rolling_median() -> None:
    cfg = {"kind": "spread", "legs": ["hk"], "min_samples": 5, "sample_seconds": 1}
    rule = build_rule("s", RULE.validate_python(cfg))
    for i in range(10):
        now = T0 + i * NS
        hk = leg("2026.HK", "XHKG", 139.1, 139.2, now=now, spread=0.001)
        [o] = rule.observe(snapshot(pair_view(hk=hk, now=now), now=now), [], now)
    assert o.condition is Condition.CLEAR
    now = T0 + 10 * NS
    wide = leg("2026.HK", "XHKG", 139.1, 139.2, now=now, spread=0.004)
    [o] = rule.observe(snapshot(pair_view(hk=wide, now=now), now=now), [], now)
    assert o.condition is Condition.ACTIVE and o.value == 4.0
    assert "40.0 bp = 4.0x median 10.0 bp" in o.text


def test_turnover_spike_against_baseline() -> None:
    cfg = {"kind": "turnover_spike", "legs": ["us"], "min_samples": 5, "sample_seconds": 1}
    rule = build_rule("t", RULE.validate_python(cfg))
    for i in range(6):
        now = T0 + i * NS
        us = leg("PONY", "XNAS", 18.0, 18.02, now=now, turnover_1m=20_000.0)
        list(rule.observe(snapshot(pair_view(us=us, now=now), now=now), [], now))
    now = T0 + 6 * NS
    us = leg("PONY", "XNAS", 18.0, 18.02, now=now, turnover_1m=150_000.0)
    [o] = rule.observe(snapshot(pair_view(us=us, now=now), now=now), [], now)
    assert o.condition is Condition.ACTIVE
    assert "$150k = 7.5x median $20k" in o.text


def test_no_trades_for_n_minutes_in_session_resets_when_closed() -> None:
    cfg = {"kind": "no_trades", "legs": ["hk"], "minutes": 5}
    rule = build_rule("n", RULE.validate_python(cfg))

    def at(minute: float, trades: int, market_open: bool = True) -> Condition:
        now = T0 + int(minute * 60 * NS)
        hk = leg(
            "2026.HK", "XHKG", 139.1, 139.2, now=now, trades_1m=trades, market_open=market_open
        )
        [o] = rule.observe(snapshot(pair_view(hk=hk, now=now), now=now), [], now)
        return o.condition

    assert at(0, 3) is Condition.CLEAR
    assert at(4.9, 0) is Condition.CLEAR
    assert at(5.0, 0) is Condition.ACTIVE
    assert at(5.5, 1) is Condition.CLEAR
    assert at(6, 0, market_open=False) is Condition.CLEAR
    assert at(10, 0) is Condition.CLEAR  # counting restarts when the session reopens
    assert at(15, 0) is Condition.ACTIVE
