"""Inhibition: mute target alerts while a source alert is active, like Alertmanager's
``inhibit_rules`` (pure).

A rule mutes an alert matching ``target_matchers`` while an alert matching
``source_matchers`` is pending or firing and both have the same value (a missing label
is empty) for every label in ``equal``. An alert matching both sides is never inhibited
by an alert that also matches both (not even by itself). Feed alerts have no pair: a
down feed stands for every pair one of whose legs it serves, so ``equal: [pair]``
inhibits the premium alerts of those pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from monitor.core.snapshot import MarketSnapshot
from monitor.matchers import Matcher, match_all, parse_list
from monitor.settings.alerts import InhibitRuleConfig


class InhibitRule(NamedTuple):
    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...]

    @classmethod
    def from_config(cls, cfg: InhibitRuleConfig) -> InhibitRule:
        return cls(
            tuple(parse_list(cfg.source_matchers)),
            tuple(parse_list(cfg.target_matchers)),
            tuple(cfg.equal),
        )


class Candidate(NamedTuple):
    """An alert as inhibition sees it: identity, labels, and whether it is active."""

    fingerprint: str
    labels: Mapping[str, str]
    active: bool  # pending or firing: may inhibit others
    description: str = ""


def feed_pairs(snapshot: MarketSnapshot) -> dict[str, set[str]]:
    """``{feed name: pairs one of whose legs it serves}`` in ``snapshot``."""
    out: dict[str, set[str]] = {}
    for view in snapshot.pairs:
        for leg in (view.us, view.hk, view.fx):
            if leg.source:
                out.setdefault(leg.source, set()).add(view.pair)
    return out


def expand_sources(
    candidates: Sequence[Candidate], served: Mapping[str, set[str]]
) -> list[Candidate]:
    """Active candidates, a feed alert (label ``feed``, no pair) once per pair it serves."""
    out: list[Candidate] = []
    for c in candidates:
        if not c.active:
            continue
        feed = c.labels.get("feed", "")
        if feed and not c.labels.get("pair"):
            for pair in sorted(served.get(feed, ())):
                out.append(
                    Candidate(c.fingerprint, {**c.labels, "pair": pair}, True, c.description)
                )
        out.append(c)
    return out


def inhibited(
    rules: Sequence[InhibitRule], candidates: Sequence[Candidate], served: Mapping[str, set[str]]
) -> dict[str, list[str]]:
    """``{target fingerprint: descriptions of the active sources inhibiting it}``."""
    sources = expand_sources(candidates, served)
    out: dict[str, list[str]] = {}
    for rule in rules:
        rule_sources = [s for s in sources if match_all(rule.source, s.labels)]
        if not rule_sources:
            continue
        for target in candidates:
            if not match_all(rule.target, target.labels):
                continue
            both = match_all(rule.source, target.labels)
            for src in rule_sources:
                if src.fingerprint == target.fingerprint:
                    continue
                if both and match_all(rule.target, src.labels):
                    continue
                if all(src.labels.get(n, "") == target.labels.get(n, "") for n in rule.equal):
                    reasons = out.setdefault(target.fingerprint, [])
                    if src.description not in reasons:
                        reasons.append(src.description)
                    break
    return out
