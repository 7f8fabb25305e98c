"""Matchers, silences and inhibition against the cases of Alertmanager's documentation
(prometheus.io/docs/alerting/latest/configuration: <matcher>, <inhibit_rule>; the
doc/examples/simple.yml inhibit rule; alertmanager.md "Silences", "Inhibition")."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.alerts.inhibit import Candidate, InhibitRule, inhibited
from monitor.alerts.silences import Silences
from monitor.matchers import Op, match_all, parse_list, parse_matcher, parse_matchers
from monitor.settings.alerts import AlertsConfig, InhibitRuleConfig

NS = 1_000_000_000


def test_composition_example_from_the_docs() -> None:
    # {alertname="Watchdog", severity=~"warning|critical"} matches severity=critical, not none
    ms = parse_matchers('{alertname="Watchdog", severity=~"warning|critical"}')
    assert match_all(ms, {"alertname": "Watchdog", "severity": "critical"})
    assert not match_all(ms, {"alertname": "Watchdog", "severity": "none"})
    # the same as a YAML list, with a trailing comma, braces optional, whitespace free
    assert parse_list(["alertname = Watchdog", 'severity =~ "warning|critical"']) == ms
    assert parse_matchers('{alertname="Watchdog", severity=~"warning|critical",}') == ms
    assert parse_matchers('alertname="Watchdog", severity=~"warning|critical"') == ms
    assert (
        parse_matchers('{\n   alertname = "Watchdog",\n   severity =~ "warning|critical",\n}') == ms
    )


@pytest.mark.parametrize(
    "text",
    ['{alertname="Watchdog", severity=~"warning|critical"', 'alertname="Watchdog"}'],
)
def test_incomplete_braces_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="braces"):
        parse_matchers(text)


def test_more_examples_from_the_docs() -> None:
    assert parse_list(["foo = bar", "dings != bums"]) == [
        parse_matcher('foo="bar"'),
        parse_matcher('dings!="bums"'),
    ]
    [quoted, other] = parse_list(['foo = "bar,baz"', "dings != bums"])
    assert quoted.value == "bar,baz" and other.op is Op.NE
    assert len(parse_list(['{foo="bar", dings!="bums"}'])) == 2
    [quote] = parse_matchers('{quote=~"She said: \\"Hi, all!( How\'re you…)?\\""}')
    assert quote.matches({"quote": 'She said: "Hi, all! How\'re you…"'})
    assert quote.matches({"quote": 'She said: "Hi, all!"'})


def test_regex_is_anchored_at_both_ends_and_a_missing_label_is_empty() -> None:
    m = parse_matcher("service=~mysql|cassandra")
    assert m.matches({"service": "mysql"}) and m.matches({"service": "cassandra"})
    assert not m.matches({"service": "mysql-replica"})  # anchored: use .* to un-anchor
    assert parse_matcher('service=~".*sql.*"').matches({"service": "mysql-replica"})
    assert parse_matcher('team=""').matches({})  # missing == empty
    assert parse_matcher('team!="frontend"').matches({})
    assert not parse_matcher("team!~.*").matches({})
    with pytest.raises(ValueError, match="regular expression"):
        parse_matcher("a=~((")


def labels(**kv: str) -> dict[str, str]:
    return dict(kv)


def test_silence_mutes_alerts_matching_every_matcher_while_active(tmp_path: Path) -> None:
    # "Incoming alerts are checked whether they match all the equality or regular
    # expression matchers of an active silence. If they do, no notifications are sent."
    silences = Silences(tmp_path)
    s = silences.add(
        parse_list(['alertname="premium_high"', 'pair=~"PONY|XPEV"']),
        starts_at_ns=100 * NS,
        ends_at_ns=200 * NS,
        created_by="alice",
        comment="ADR conversion window",
        now_ns=50 * NS,
    )
    hit = labels(alertname="premium_high", pair="PONY", severity="critical")
    assert silences.muting(hit, 99 * NS) == []  # pending
    assert silences.muting(hit, 150 * NS) == [s.id]  # active
    assert silences.muting({**hit, "pair": "BABA"}, 150 * NS) == []  # one matcher fails
    assert silences.muting(hit, 200 * NS) == []  # expired at its end
    assert s.state(99 * NS) == "pending" and s.state(250 * NS) == "expired"

    silences.save()
    again = Silences(tmp_path)
    assert again.load() == 1
    assert again.muting(hit, 150 * NS) == [s.id]
    expired = again.expire(s.id, 120 * NS)
    assert expired is not None and expired.state(120 * NS) == "expired"
    assert again.muting(hit, 150 * NS) == []


def test_a_pending_silence_expired_early_never_becomes_active(tmp_path: Path) -> None:
    silences = Silences(None)
    s = silences.add(parse_list(["pair=PONY"]), 100 * NS, 200 * NS, now_ns=10 * NS)
    silences.expire(s.id, 50 * NS)
    assert silences.muting(labels(pair="PONY"), 150 * NS) == []


def test_silences_that_match_everything_or_end_first_are_refused() -> None:
    silences = Silences(None)
    with pytest.raises(ValueError, match="every alert"):
        silences.add(parse_list(['pair=~".*"']), 0, 10 * NS)
    with pytest.raises(ValueError, match="after startsAt"):
        silences.add(parse_list(["pair=PONY"]), 10 * NS, 5 * NS)


def rule(source: list[str], target: list[str], equal: list[str]) -> InhibitRule:
    return InhibitRule.from_config(
        InhibitRuleConfig(source_matchers=source, target_matchers=target, equal=equal)
    )


def cand(fp: str, **kv: str) -> Candidate:
    return Candidate(fp, kv, True, fp)


def test_inhibit_example_of_the_docs_critical_mutes_warning_with_equal_labels() -> None:
    # doc/examples/simple.yml: source severity="critical", target severity="warning",
    # equal: [alertname, cluster, service]
    r = rule(['severity="critical"'], ['severity="warning"'], ["alertname", "cluster", "service"])
    crit = cand("c", alertname="Lat", cluster="A", service="api", severity="critical")
    warn_same = cand("w1", alertname="Lat", cluster="A", service="api", severity="warning")
    warn_other = cand("w2", alertname="Lat", cluster="B", service="api", severity="warning")
    out = inhibited([r], [crit, warn_same, warn_other], {})
    assert out == {"w1": ["c"]}


def test_equal_labels_missing_from_both_sides_still_inhibit() -> None:
    # "if all the label names listed in equal are missing from both the source and
    # target alerts, the inhibition rule will apply"
    r = rule(['alertname="NodeDown"'], ['severity="warning"'], ["cluster"])
    out = inhibited([r], [cand("s", alertname="NodeDown"), cand("t", severity="warning")], {})
    assert out == {"t": ["s"]}
    # ... but a missing label on one side only differs from a set one
    out = inhibited(
        [r], [cand("s", alertname="NodeDown"), cand("t", severity="warning", cluster="A")], {}
    )
    assert out == {}


def test_an_alert_matching_both_sides_is_not_inhibited_by_one_that_does_too() -> None:
    r = rule(['team="db"'], ['team="db"'], [])
    a, b = cand("a", team="db"), cand("b", team="db")
    assert inhibited([r], [a, b], {}) == {}  # not by each other, not by itself
    r2 = rule(['team="db"', 'severity="critical"'], ['team="db"'], [])
    crit = cand("c", team="db", severity="critical")
    out = inhibited([r2], [crit, cand("w", team="db", severity="warning")], {})
    assert out == {"w": ["c"]}  # the critical one matches both sides: it stays


def test_only_active_sources_inhibit() -> None:
    r = rule(['severity="critical"'], ['severity="warning"'], [])
    quiet = Candidate("c", {"severity": "critical"}, False, "c")
    assert inhibited([r], [quiet, cand("w", severity="warning")], {}) == {}


def test_default_rule_mutes_premium_of_a_pair_with_a_stale_leg_or_a_down_feed() -> None:
    [default] = [InhibitRule.from_config(c) for c in AlertsConfig().inhibit_rules]
    premium_pony = cand("p1", kind="premium", pair="PONY")
    edge_xpev = cand("e2", kind="edge", pair="XPEV")
    stale_pony_hk = cand("s1", kind="stale_leg", pair="PONY", leg="hk")
    assert inhibited([default], [premium_pony, edge_xpev, stale_pony_hk], {}) == {"p1": ["s1"]}
    # a feed alert has no pair: it stands for every pair one of whose legs the feed serves
    futu_down = cand("f", kind="feed_down", pair="", feed="futu")
    served = {"futu": {"XPEV"}, "polygon": {"PONY", "XPEV"}}
    out = inhibited([default], [premium_pony, edge_xpev, futu_down], served)
    assert out == {"e2": ["f"]}
