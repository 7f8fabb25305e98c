"""The premium rate-of-change rule (hand-checked moves), runbook and annotation lines,
the status link, and times in UTC and HKT."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from monitor.alerts.evaluator import Transition
from monitor.alerts.format import to_notice
from monitor.alerts.model import Condition, Observation, TransitionKind
from monitor.alerts.rules import build_rule
from monitor.alerts.text import clock
from monitor.settings.alerts import RuleConfig
from tests.support.alert_snapshots import NS, T0, pair_view, snapshot


def rule(**options: Any) -> Any:
    config = TypeAdapter(RuleConfig).validate_python({"kind": "premium_change", **options})
    return build_rule("premium_jump", config)


def step(r: Any, seconds: float, mid: float | None) -> Observation:
    now = T0 + int(seconds * NS)
    [obs] = r.observe(snapshot(pair_view(mid=mid, now=now), now=now), [], now)
    return obs


def test_premium_change_hand_checked_up_move_within_the_window() -> None:
    r = rule(change="50bp", window_seconds=300)
    assert step(r, 0, 0.0100).condition is Condition.UNKNOWN  # no history yet
    hold = step(r, 60, 0.0125)  # +25 bp: between the clear level (25 bp) and the trigger
    assert hold.condition is Condition.HOLD and abs(hold.value - 0.0025) < 1e-12
    fired = step(r, 120, 0.0160)  # +60 bp from the 1.00 % of t=0, within 5 min
    assert fired.condition is Condition.ACTIVE
    assert abs(fired.value - 0.0060) < 1e-12
    assert fired.text == "mid premium moved +60 bp within 5 min (+1.00 % -> +1.60 %)"
    assert fired.trigger == "by 50 bp or more"
    # 1.00 % has left the 5-minute window at t=301; the window now holds 1.25 % and 1.60 %
    later = step(r, 301, 0.0160)
    assert abs(later.value - 0.0035) < 1e-12 and later.condition is Condition.HOLD
    assert step(r, 421, 0.0160).condition is Condition.CLEAR  # only 1.60 % left: no move


def test_premium_change_down_only_and_either() -> None:
    down = rule(change="0.5%", window_seconds=60, direction="down")
    step(down, 0, 0.0200)
    assert step(down, 10, 0.0260).condition is Condition.CLEAR  # up moves do not count
    obs = step(down, 20, 0.0140)  # -120 bp from the 2.60 % high
    assert obs.condition is Condition.ACTIVE and abs(obs.value + 0.0120) < 1e-12
    either = rule(change="50bp", window_seconds=60)
    step(either, 0, 0.0200)
    obs = step(either, 10, 0.0140)
    assert obs.condition is Condition.ACTIVE and obs.text.startswith("mid premium moved -60 bp")


def test_clock_shows_utc_and_hong_kong_time() -> None:
    # T0 = 1,795,000,000 s = 2026-11-18 11:06:40 UTC; Hong Kong is UTC+8 (no summer time)
    assert clock(T0) == "2026-11-18 11:06:40 UTC / 19:06:40 HKT"
    assert clock(T0 + 14 * 3600 * NS) == "2026-11-19 01:06:40 UTC / 09:06:40 HKT"
    assert clock(T0 + 13 * 3600 * NS) == "2026-11-19 00:06:40 UTC / 08:06:40 HKT"
    assert clock(T0 + 5 * 3600 * NS) == "2026-11-18 16:06:40 UTC / 2026-11-19 00:06:40 HKT"


def transition(annotations: dict[str, str]) -> Transition:
    obs = Observation("PONY", "PONY", Condition.ACTIVE, 0.03, 0.02, "mid +3 %", "above 2 %", "")
    return Transition(
        kind=TransitionKind.FIRING,
        rule="premium_high",
        severity="critical",
        labels={},
        observation=obs,
        fingerprint="fp",
        active_since=T0,
        firing_since=T0,
        sequence=0,
        at=T0 + 10 * NS,
        pair_view=None,
        annotations=annotations,
    )


def test_runbook_annotations_and_status_link_in_the_notice() -> None:
    t = transition({"runbook_url": "https://wiki/runbooks/premium", "owner": "arb desk"})
    notice = to_notice(t, "https://grafana/d/{pair}", "https://dlmon.example/")
    assert notice.lines == (
        "Since 2026-11-18 11:06:40 UTC / 19:06:40 HKT (10 s)",
        "Owner: arb desk",
        "Runbook: https://wiki/runbooks/premium",
        "Status: https://dlmon.example/",
    )
    assert notice.annotations["runbook_url"] == "https://wiki/runbooks/premium"
    assert notice.annotations["owner"] == "arb desk"
    assert notice.url == "https://grafana/d/PONY"


def test_rule_runbook_url_and_annotations_reach_the_transition() -> None:
    from monitor.alerts.evaluator import Evaluator

    config = TypeAdapter(RuleConfig).validate_python(
        {
            "kind": "premium",
            "threshold": "2%",
            "for_seconds": 0,
            "runbook_url": "https://wiki/rb",
            "annotations": {"owner": "desk"},
        }
    )
    ev = Evaluator({"premium_high": config})
    [t] = ev.evaluate(snapshot(pair_view(mid=0.03)), [], T0)
    assert dict(t.annotations) == {"owner": "desk", "runbook_url": "https://wiki/rb"}
