"""Pure evaluation: rules x snapshot -> state machines -> transitions to notify.

``Evaluator.evaluate(snapshot, feeds, now_ns)`` does no I/O; the alert service calls it
periodically, persists :meth:`Evaluator.export_state` and turns transitions into notices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from monitor.alerts.model import Observation, TransitionKind
from monitor.alerts.rules import Rule, build_rule
from monitor.alerts.state import AlertState, Phase, Timing
from monitor.core.snapshot import MarketSnapshot, PairView
from monitor.feeds.base import FeedHealth
from monitor.settings.alerts import RuleConfig

STATE_VERSION = 1


def fingerprint(rule: str, subject: str) -> str:
    """Stable identity of an alert instance."""
    return hashlib.sha256(f"{rule}\x00{subject}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Transition:
    """A state change worth a notification."""

    kind: TransitionKind
    rule: str
    severity: str
    labels: Mapping[str, str]
    observation: Observation
    fingerprint: str
    active_since: int
    firing_since: int
    sequence: int
    at: int
    pair_view: PairView | None

    @property
    def key(self) -> str:
        """Stable de-duplication key of this notification."""
        return f"{self.fingerprint}:{self.active_since}:{self.kind.value}:{self.sequence}"


@dataclass(frozen=True, slots=True)
class FiringAlert:
    """One firing alert as the API and metrics show it."""

    rule: str
    pair: str
    subject: str
    severity: str
    since_ns: int
    value: float | None
    threshold: float | None
    summary: str
    labels: Mapping[str, str]
    fingerprint: str


class Evaluator:
    """Owns the rules and one :class:`AlertState` per rule and subject."""

    def __init__(self, rules: Mapping[str, RuleConfig]) -> None:
        self._configs = {name: cfg for name, cfg in rules.items() if cfg.enabled}
        self._rules: list[Rule] = [build_rule(n, c) for n, c in self._configs.items()]
        self._timing = {
            n: Timing.from_seconds(
                c.for_seconds, c.clear_for_seconds, c.repeat_seconds, c.cooldown_seconds
            )
            for n, c in self._configs.items()
        }
        self._states: dict[tuple[str, str], AlertState] = {}
        self.errors: dict[str, int] = {}
        self.last_error: dict[str, str] = {}
        self.dirty = False

    @property
    def rule_names(self) -> list[str]:
        return list(self._configs)

    def evaluate(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> list[Transition]:
        """Run every rule once; return the transitions to notify, in rule order."""
        views = {p.pair: p for p in snapshot.pairs}
        out: list[Transition] = []
        for rule in self._rules:
            try:
                observations = list(rule.observe(snapshot, feeds, now_ns))
            except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
                self.errors[rule.name] = self.errors.get(rule.name, 0) + 1
                self.last_error[rule.name] = f"{type(exc).__name__}: {exc}"
                continue
            for obs in observations:
                transition = self._step(rule.name, obs, now_ns, views.get(obs.pair))
                if transition is not None:
                    out.append(transition)
        return out

    def _step(
        self, rule: str, obs: Observation, now: int, view: PairView | None
    ) -> Transition | None:
        state = self._states.get((rule, obs.subject))
        if state is None:
            state = self._states[(rule, obs.subject)] = AlertState(rule, obs.subject, obs.pair)
        state.observation = obs
        kind = state.step(obs.condition, now, self._timing[rule])
        if kind is None:
            return None
        self.dirty = True
        cfg = self._configs[rule]
        assert state.active_since is not None
        transition = Transition(
            kind=kind,
            rule=rule,
            severity=cfg.severity,
            labels={**obs.labels, **cfg.labels},
            observation=obs,
            fingerprint=fingerprint(rule, obs.subject),
            active_since=state.active_since,
            firing_since=state.firing_since or now,
            sequence=0 if kind is TransitionKind.RESOLVED else state.sequence,
            at=now,
            pair_view=view,
        )
        if kind is TransitionKind.RESOLVED:
            state.after_resolve()
        return transition

    def firing(self) -> list[FiringAlert]:
        """Alerts firing now, oldest first."""
        out = []
        for (rule, subject), st in self._states.items():
            if st.phase is not Phase.FIRING:
                continue
            obs = st.observation
            cfg = self._configs[rule]
            out.append(
                FiringAlert(
                    rule=rule,
                    pair=st.pair,
                    subject=subject,
                    severity=cfg.severity,
                    since_ns=st.active_since or st.firing_since or 0,
                    value=None if obs is None else obs.value,
                    threshold=None if obs is None else obs.threshold,
                    summary="" if obs is None else f"{obs.text} ({obs.trigger})",
                    labels={**({} if obs is None else obs.labels), **cfg.labels},
                    fingerprint=fingerprint(rule, subject),
                )
            )
        out.sort(key=lambda a: a.since_ns)
        return out

    def firing_counts(self) -> dict[tuple[str, str], int]:
        """Firing alerts per (rule, pair), with 0 for every instance seen but quiet.

        Several subjects may share a (rule, pair): legs of one pair, or feeds (pair "")."""
        counts: dict[tuple[str, str], int] = {}
        for st in self._states.values():
            key = (st.rule, st.pair)
            counts[key] = counts.get(key, 0) + (st.phase is Phase.FIRING)
        return counts

    def export_state(self) -> dict[str, Any]:
        """What must survive a restart: firing alerts and cooldowns."""
        self.dirty = False
        keep = [
            st.to_dict()
            for st in self._states.values()
            if st.phase is Phase.FIRING or st.cooldown_until
        ]
        return {"version": STATE_VERSION, "alerts": keep}

    def restore_state(self, data: Mapping[str, Any]) -> int:
        """Load a state written by :meth:`export_state`; return how many alerts are firing.

        Entries of rules no longer configured are dropped.
        """
        if data.get("version") != STATE_VERSION:
            return 0
        firing = 0
        for item in data.get("alerts", ()):
            try:
                st = AlertState.from_dict(item)
            except (KeyError, TypeError, ValueError):
                continue
            if st.rule not in self._configs:
                continue
            if st.phase is Phase.FIRING and st.active_since is None:
                st.active_since = st.firing_since
            self._states[(st.rule, st.subject)] = st
            firing += st.phase is Phase.FIRING
        return firing
