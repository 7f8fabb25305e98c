"""Pure evaluation: rules x snapshot -> state machines -> transitions to notify.

``Evaluator.evaluate(snapshot, feeds, now_ns)`` does no I/O; the alert service calls it
periodically, persists :meth:`Evaluator.export_state` and turns transitions into notices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from monitor.alerts.model import Condition, Observation, TransitionKind
from monitor.alerts.rules import Rule, build_rule
from monitor.alerts.state import AlertState, Phase, Timing
from monitor.core.snapshot import MarketSnapshot, PairView
from monitor.feeds.base import FeedHealth
from monitor.settings.alerts import RuleConfig

STATE_VERSION = 1


def match_labels(
    rule: str, kind: str, pair: str, severity: str, subject: str, labels: Mapping[str, str]
) -> dict[str, str]:
    """Labels of an alert for matchers: the observation's and the rule's labels, then
    ``alertname`` and ``rule`` (the rule name), ``kind``, ``pair``, ``severity``, ``subject``."""
    base = {"alertname": rule, "rule": rule, "kind": kind, "pair": pair, "severity": severity}
    return {**labels, **base, "subject": subject}


def rule_annotations(cfg: RuleConfig) -> dict[str, str]:
    """The rule's ``annotations`` and its ``runbook_url``."""
    out = dict(cfg.annotations)
    if cfg.runbook_url:
        out["runbook_url"] = cfg.runbook_url
    return out


RULE_ERRORS = (ArithmeticError, LookupError, TypeError, ValueError, AttributeError)
"""What a rule's bug raises: counted per rule (``dlmon_alert_rule_errors``), never fatal."""


def fingerprint(rule: str, subject: str) -> str:
    """Stable identity of an alert instance."""
    return hashlib.sha256(f"{rule}\x00{subject}".encode()).hexdigest()[:16]


class Transition(NamedTuple):
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
    last_known: Observation | None = None  # the latest observation with a value
    orphaned: str = ""  # why an alert no longer evaluated is resolved (rule removed ...)
    annotations: Mapping[str, str] = {}  # the rule's, runbook_url (never written)

    @property
    def stale(self) -> bool:
        """Whether the input is missing now (a repeat then says so, not "n/a")."""
        return self.observation.condition is Condition.UNKNOWN

    @property
    def key(self) -> str:
        """Stable de-duplication key of this notification."""
        return f"{self.fingerprint}:{self.active_since}:{self.kind.value}:{self.sequence}"


class FiringAlert(NamedTuple):
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
    stale: bool = False  # the input is missing now; value and summary are the last known
    state: str = "firing"  # or "pending"
    kind: str = ""  # the rule kind (premium, stale_leg, ...)

    def match_labels(self) -> dict[str, str]:
        """The labels silences, inhibition and routes match on."""
        return match_labels(
            self.rule, self.kind, self.pair, self.severity, self.subject, self.labels
        )


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
        self.orphans: list[Transition] = []  # resolves of restored alerts no rule evaluates
        self._unseen: set[tuple[str, str]] = set()  # restored firing alerts not yet observed

    @property
    def rule_names(self) -> list[str]:
        return list(self._configs)

    def kind_of(self, rule: str) -> str:
        """The kind of rule ``rule`` ("" for a rule no longer configured)."""
        cfg = self._configs.get(rule)
        return "" if cfg is None else cfg.kind

    def evaluate(
        self, snapshot: MarketSnapshot, feeds: Sequence[FeedHealth], now_ns: int
    ) -> list[Transition]:
        """Run every rule once; return the transitions to notify, in rule order."""
        out: list[Transition] = []
        for _ in self.evaluate_steps(snapshot, feeds, now_ns, out):
            pass
        return out

    def evaluate_steps(
        self,
        snapshot: MarketSnapshot,
        feeds: Sequence[FeedHealth],
        now_ns: int,
        out: list[Transition],
    ) -> Iterator[None]:
        """:meth:`evaluate` one observation per step (a caller on the event loop yields
        between them when its time slice is spent); transitions are appended to ``out``."""
        views = {p.pair: p for p in snapshot.pairs}
        unseen, self._unseen = self._unseen, set()
        for rule in self._rules:
            try:  # a rule observes one subject at a time (the snapshot is immutable)
                observations = iter(rule.observe(snapshot, feeds, now_ns))
            except RULE_ERRORS as exc:
                self._rule_failed(rule.name, exc, unseen)
                continue
            while True:
                try:
                    obs = next(observations, None)
                except RULE_ERRORS as exc:
                    self._rule_failed(rule.name, exc, unseen)
                    break
                if obs is None:
                    break
                unseen.discard((rule.name, obs.subject))
                transition = self._step(rule.name, obs, now_ns, views.get(obs.pair))
                if transition is not None:
                    out.append(transition)
                yield
        for key in sorted(unseen - self._unseen):  # e.g. its pair left the configuration
            state = self._states.pop(key)
            out.append(self._orphan(state, now_ns, "no longer monitored by this rule"))
            self.dirty = True

    def _rule_failed(self, rule: str, exc: Exception, unseen: set[tuple[str, str]]) -> None:
        """Count a rule that raised; its subjects not observed yet are asked next round."""
        self.errors[rule] = self.errors.get(rule, 0) + 1
        self.last_error[rule] = f"{type(exc).__name__}: {exc}"
        self._unseen |= {k for k in unseen if k[0] == rule}

    def _step(
        self, rule: str, obs: Observation, now: int, view: PairView | None
    ) -> Transition | None:
        state = self._states.get((rule, obs.subject))
        if state is None:
            state = self._states[(rule, obs.subject)] = AlertState(rule, obs.subject, obs.pair)
        state.observation = obs
        if obs.condition is not Condition.UNKNOWN and obs.value is not None:
            state.last_known = obs
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
            last_known=state.last_known,
            annotations=rule_annotations(cfg),
        )
        if kind is TransitionKind.RESOLVED:
            state.after_resolve()
        return transition

    def _orphan(self, st: AlertState, now: int, why: str, severity: str = "") -> Transition:
        """The resolve of a firing alert that nothing evaluates any more."""
        cfg = self._configs.get(st.rule)
        obs = st.observation or Observation(
            st.subject, st.pair, Condition.UNKNOWN, None, 0.0, st.subject, "", ""
        )
        obs = obs._replace(clear_text=why)
        active = st.active_since or st.firing_since or now
        return Transition(
            kind=TransitionKind.RESOLVED,
            rule=st.rule,
            severity=cfg.severity if cfg else severity or "warning",
            labels={**obs.labels, **(cfg.labels if cfg else {})},
            observation=obs,
            fingerprint=fingerprint(st.rule, st.subject),
            active_since=active,
            firing_since=st.firing_since or active,
            sequence=0,
            at=now,
            pair_view=None,
            last_known=st.last_known,
            orphaned=why,
            annotations=rule_annotations(cfg) if cfg else {},
        )

    def firing(self) -> list[FiringAlert]:
        """Alerts firing now, oldest first."""
        return [a for a in self.alerts() if a.state == "firing"]

    def alerts(self) -> list[FiringAlert]:
        """Alerts pending or firing now, oldest first."""
        out = list(self.iter_alerts())
        out.sort(key=lambda a: a.since_ns)
        return out

    def iter_alerts(self) -> Iterator[FiringAlert]:
        """Alerts pending or firing now, one at a time, in no particular order (a caller
        on the event loop may yield in between: the states are copied first)."""
        for (rule, subject), st in list(self._states.items()):
            if st.phase is Phase.INACTIVE:
                continue
            obs = st.last_known or st.observation
            cfg = self._configs[rule]
            labels = {**({} if obs is None else obs.labels), **cfg.labels}
            yield FiringAlert(
                rule=rule,
                pair=st.pair,
                subject=subject,
                severity=cfg.severity,
                since_ns=st.active_since or st.firing_since or 0,
                value=None if obs is None else obs.value,
                threshold=None if obs is None else obs.threshold,
                summary="" if obs is None else f"{obs.text} ({obs.trigger})",
                labels=labels,
                fingerprint=fingerprint(rule, subject),
                stale=st.observation is None or st.observation.condition is Condition.UNKNOWN,
                state=st.phase.value,
                kind=cfg.kind,
            )

    def firing_transitions(self, now: int) -> list[Transition]:
        """A firing transition for every alert firing now (to re-announce restored alerts
        to receivers that keep state, such as Alertmanager; never paged to chat)."""
        out = []
        for (rule, subject), st in self._states.items():
            if st.phase is not Phase.FIRING or st.observation is None:
                continue
            cfg = self._configs[rule]
            obs = st.observation
            active = st.active_since or st.firing_since or now
            out.append(
                Transition(
                    kind=TransitionKind.FIRING,
                    rule=rule,
                    severity=cfg.severity,
                    labels={**obs.labels, **cfg.labels},
                    observation=obs,
                    fingerprint=fingerprint(rule, subject),
                    active_since=active,
                    firing_since=st.firing_since or active,
                    sequence=st.sequence,
                    at=now,
                    pair_view=None,
                    last_known=st.last_known,
                    annotations=rule_annotations(cfg),
                )
            )
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
            {**st.to_dict(), "severity": self._configs[st.rule].severity}
            for st in self._states.values()
            if st.phase is Phase.FIRING or st.cooldown_until
        ]
        return {"version": STATE_VERSION, "alerts": keep}

    def restore_state(self, data: Mapping[str, Any], now_ns: int = 0) -> int:
        """Load a state written by :meth:`export_state`; return how many alerts are firing.

        A firing alert of a rule no longer configured (renamed, removed, disabled) gets a
        resolve in :attr:`orphans`, to send at start; one the first evaluation does not
        observe again (its pair left the rule) is resolved by that evaluation.
        """
        if data.get("version") != STATE_VERSION:
            return 0
        firing = 0
        for item in data.get("alerts", ()):
            try:
                st = AlertState.from_dict(item)
            except (KeyError, TypeError, ValueError):
                continue
            if st.phase is Phase.FIRING and st.active_since is None:
                st.active_since = st.firing_since
            if st.rule not in self._configs:
                if st.phase is Phase.FIRING:
                    why = "rule no longer configured (renamed, removed or disabled)"
                    severity = str(item.get("severity") or "warning")
                    self.orphans.append(self._orphan(st, now_ns, why, severity))
                    self.dirty = True
                continue
            self._states[(st.rule, st.subject)] = st
            if st.phase is Phase.FIRING:
                firing += 1
                self._unseen.add((st.rule, st.subject))
        return firing
