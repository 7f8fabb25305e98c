"""Evaluator end to end (pure): flapping, persistence across a restart, formatting."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from monitor.alerts.evaluator import Evaluator
from monitor.alerts.format import to_notice
from monitor.alerts.model import TransitionKind
from monitor.notify.models import Status
from monitor.settings.alerts import RuleConfig
from tests.support.alert_snapshots import NS, T0, feed, pair_view, snapshot

RULES = TypeAdapter(dict[str, RuleConfig])


def premium_rules(**extra: object) -> dict[str, RuleConfig]:
    cfg = {
        "kind": "premium",
        "threshold": "2%",
        "clear": "1.9%",
        "for_seconds": 0,
        "clear_for_seconds": 30,
        "repeat_seconds": 0,
        "severity": "critical",
        "labels": {"desk": "arb"},
        **extra,
    }
    return RULES.validate_python({"premium_high": cfg})


def step(ev: Evaluator, second: int, mid: float | None) -> list:  # type: ignore[type-arg]
    now = T0 + second * NS
    return ev.evaluate(snapshot(pair_view(mid=mid, now=now), now=now), [feed()], now)


def test_premium_oscillating_around_threshold_gives_one_notification() -> None:
    ev = Evaluator(premium_rules())
    transitions = []
    for s in range(300):  # ±30 bp around 2 %, crossing both trigger and clear level
        transitions += step(ev, s, 0.020 + (0.003 if s % 2 else -0.003))
    assert [t.kind for t in transitions] == [TransitionKind.FIRING]
    for s in range(300, 340):
        transitions += step(ev, s, 0.010)
    assert [t.kind for t in transitions] == [TransitionKind.FIRING, TransitionKind.RESOLVED]
    assert transitions[0].key != transitions[1].key


def test_firing_alert_survives_restart_without_repaging_then_resolves() -> None:
    ev = Evaluator(premium_rules())
    [fired] = step(ev, 0, 0.025)
    saved = json.loads(json.dumps(ev.export_state()))

    restarted = Evaluator(premium_rules())
    assert restarted.restore_state(saved) == 1
    assert [a.rule for a in restarted.firing()] == ["premium_high"]
    assert step(restarted, 5, 0.025) == []  # no new page after the restart
    assert restarted.firing()[0].since_ns == T0

    transitions = []
    for s in range(10, 45):
        transitions += step(restarted, s, 0.01)
    [resolved] = transitions
    assert resolved.kind is TransitionKind.RESOLVED
    assert resolved.fingerprint == fired.fingerprint
    assert resolved.active_since == fired.active_since


def test_cooldown_survives_restart() -> None:
    ev = Evaluator(premium_rules(cooldown_seconds=600, clear_for_seconds=0))
    step(ev, 0, 0.025)
    [resolved] = step(ev, 1, 0.01)
    assert resolved.kind is TransitionKind.RESOLVED
    restarted = Evaluator(premium_rules(cooldown_seconds=600, clear_for_seconds=0))
    restarted.restore_state(ev.export_state())
    assert step(restarted, 2, 0.025) == []
    assert [t.kind for t in step(restarted, 601, 0.025)] == [TransitionKind.FIRING]


def test_removed_rule_is_dropped_on_restore() -> None:
    ev = Evaluator(premium_rules())
    step(ev, 0, 0.025)
    other = Evaluator(RULES.validate_python({"x": {"kind": "fx_band"}}))
    assert other.restore_state(ev.export_state()) == 0
    assert other.firing() == []


def test_firing_notice_reads_in_two_seconds() -> None:
    ev = Evaluator(premium_rules(for_seconds=5))
    step(ev, 0, 0.0235)
    [t] = step(ev, 5, 0.0235)
    notice = to_notice(t, "https://grafana.example/d/dlmon?var-pair={pair}")
    assert notice.status is Status.FIRING
    assert notice.title == (
        "PONY · premium_high: mid premium +2.35 % (+235 bp) above +2.00 % (+200 bp)"
    )
    us, hk, fx, premium, since = notice.lines
    assert us.startswith("US PONY 18.00 / 18.02 · age 1.2 s")
    assert hk.startswith("HK 2026.HK 139.10 / 139.20 · age 0.8 s")
    assert fx.startswith("FX USDHKD 7.7999 / 7.8001 · age 0.5 s")
    assert premium.startswith("Premium mid +2.35 % (+235 bp)")
    assert since.startswith("Since ") and since.endswith("(5.0 s)")
    assert notice.url == "https://grafana.example/d/dlmon?var-pair=PONY"
    assert notice.labels == {"basis": "mid", "desk": "arb"}
    assert notice.severity == "critical"


def test_resolved_notice_says_so() -> None:
    ev = Evaluator(premium_rules(clear_for_seconds=0))
    step(ev, 0, 0.025)
    [t] = step(ev, 60, 0.015)
    notice = to_notice(t)
    assert notice.status is Status.RESOLVED
    assert notice.title == (
        "PONY · premium_high: mid premium +1.50 % (+150 bp), back below +1.90 % (+190 bp)"
    )
    assert notice.lines[-1].endswith("lasted 1 min")
    assert notice.ends_at_ns == T0 + 60 * NS


def test_rule_error_is_counted_not_raised() -> None:
    ev = Evaluator(premium_rules())
    broken = pair_view()._replace(premium=None)  # break the input on purpose
    bad = snapshot(broken)
    assert ev.evaluate(bad, [], T0) == []
    assert ev.errors == {"premium_high": 1}


async def test_firing_metric_is_one_per_rule_and_pair_with_a_count(tmp_path: Path) -> None:
    from prometheus_client import CollectorRegistry

    from monitor.alerts.metrics import AlertsCollector
    from monitor.alerts.service import AlertService
    from monitor.settings.alerts import AlertsConfig

    cfg = AlertsConfig.model_validate(
        {"state_dir": str(tmp_path), "rules": {"down": {"kind": "feed_down", "for_seconds": 0}}}
    )
    feeds = [feed("a", up=False), feed("b", up=False), feed("c")]
    service = AlertService(cfg, lambda now: snapshot(pair_view(now=now), now=now), lambda: feeds)
    await service.evaluate_once()

    registry = CollectorRegistry()
    AlertsCollector(service, registry=registry)
    labels = {"rule": "down", "pair": ""}
    assert registry.get_sample_value("dlmon_alerts_firing", labels) == 1.0
    assert registry.get_sample_value("dlmon_alert_instances_firing", labels) == 2.0
    assert registry.get_sample_value("dlmon_alert_evaluations_total") == 1.0
    assert len(service.api_alerts()) == 2


def test_feed_alert_notice_has_no_pair_context() -> None:
    rules = RULES.validate_python({"feed_down": {"kind": "feed_down", "for_seconds": 0}})
    ev = Evaluator(rules)
    [t] = ev.evaluate(snapshot(pair_view()), [feed("polygon", up=False, last_ns=T0 - 90 * NS)], T0)
    n = to_notice(t, "https://g/d?var-pair={pair}")
    assert n.title == (
        "feed_down: feed polygon is backoff (refused), last message 1 min 30 s ago not streaming"
    )
    assert n.pair == "" and n.labels == {"feed": "polygon"} and len(n.lines) == 1
