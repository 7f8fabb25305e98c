"""The alert state machine: inactive -> pending -> firing -> (clearing) -> resolved.

* pending: the condition is active; it fires once active ``for_seconds`` after it began.
  Like Prometheus's ``for``, the pending timer runs only while the trigger is crossed:
  any other value (inside the hysteresis band, clear, or unknown) resets it, so a value
  that dips back inside the band starts its ``for_seconds`` over.
* firing: a clear condition must hold ``clear_for_seconds`` before the alert resolves;
  any non-clear value in between cancels the clearing, silently. So a value flapping
  around its threshold gives one firing notification, not a stream.
* repeat: while firing, re-notify every ``repeat_seconds`` (0 = never).
* cooldown: after a resolve, a new firing is held back for ``cooldown_seconds``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from monitor.alerts.model import Condition, Observation, TransitionKind

NS = 1_000_000_000


class Phase(enum.StrEnum):
    INACTIVE = "inactive"
    PENDING = "pending"
    FIRING = "firing"


class Timing(NamedTuple):
    for_ns: int
    clear_for_ns: int
    repeat_ns: int
    cooldown_ns: int

    @classmethod
    def from_seconds(cls, for_s: float, clear_s: float, repeat_s: float, cool_s: float) -> Timing:
        return cls(int(for_s * NS), int(clear_s * NS), int(repeat_s * NS), int(cool_s * NS))


@dataclass(slots=True)
class AlertState:
    """Everything known about one alert instance (rule x subject)."""

    rule: str
    subject: str
    pair: str
    phase: Phase = Phase.INACTIVE
    active_since: int | None = None  # when the condition became active (pending start)
    firing_since: int | None = None
    clear_since: int | None = None
    last_notified: int | None = None
    sequence: int = 0  # notifications sent for this firing episode
    cooldown_until: int = 0
    observation: Observation | None = field(default=None, compare=False)
    last_known: Observation | None = field(default=None, compare=False)  # last with a value

    def step(self, cond: Condition, now: int, t: Timing) -> TransitionKind | None:
        """Advance with the current condition; return the transition to notify, if any."""
        if self.phase is Phase.INACTIVE:
            if cond is not Condition.ACTIVE:
                return None
            self.phase, self.active_since = Phase.PENDING, now
        if self.phase is Phase.PENDING:
            return self._pending(cond, now, t)
        return self._firing(cond, now, t)

    def _pending(self, cond: Condition, now: int, t: Timing) -> TransitionKind | None:
        if cond is not Condition.ACTIVE:  # Prometheus `for`: pending only while crossed
            self.phase, self.active_since = Phase.INACTIVE, None
            return None
        assert self.active_since is not None
        if now - self.active_since >= t.for_ns:
            if now < self.cooldown_until:
                return None
            self.phase, self.firing_since, self.clear_since = Phase.FIRING, now, None
            self.last_notified, self.sequence = now, 0
            return TransitionKind.FIRING
        return None

    def _firing(self, cond: Condition, now: int, t: Timing) -> TransitionKind | None:
        if cond is Condition.CLEAR:
            if self.clear_since is None:
                self.clear_since = now
            if now - self.clear_since >= t.clear_for_ns:
                self.phase = Phase.INACTIVE
                self.cooldown_until = now + t.cooldown_ns
                self.sequence += 1
                return TransitionKind.RESOLVED
            return None
        self.clear_since = None
        last = self.last_notified
        if t.repeat_ns and last is not None and now - last >= t.repeat_ns:
            self.last_notified = now
            self.sequence += 1
            return TransitionKind.REPEAT
        return None

    def after_resolve(self) -> None:
        """Forget the finished episode (keep the cooldown)."""
        self.active_since = self.firing_since = self.clear_since = self.last_notified = None
        self.sequence = 0

    def to_dict(self) -> dict[str, Any]:
        obs = self.last_known or self.observation  # a value to show after a restart
        return {
            "rule": self.rule,
            "subject": self.subject,
            "pair": self.pair,
            "phase": self.phase.value,
            "active_since": self.active_since,
            "firing_since": self.firing_since,
            "last_notified": self.last_notified,
            "sequence": self.sequence,
            "cooldown_until": self.cooldown_until,
            "value": None if obs is None else obs.value,
            "threshold": None if obs is None else obs.threshold,
            "text": None if obs is None else obs.text,
            "trigger": None if obs is None else obs.trigger,
            "labels": {} if obs is None else dict(obs.labels),
            "clear_text": None if obs is None else obs.clear_text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertState:
        phase = Phase(data["phase"])
        state = cls(
            rule=str(data["rule"]),
            subject=str(data["subject"]),
            pair=str(data["pair"]),
            phase=Phase.FIRING if phase is Phase.FIRING else Phase.INACTIVE,
            active_since=data.get("active_since"),
            firing_since=data.get("firing_since"),
            last_notified=data.get("last_notified"),
            sequence=int(data.get("sequence", 0)),
            cooldown_until=int(data.get("cooldown_until", 0)),
        )
        if phase is Phase.FIRING and data.get("text") is not None:
            state.observation = Observation(
                subject=state.subject,
                pair=state.pair,
                condition=Condition.UNKNOWN,
                value=data.get("value"),
                threshold=float(data.get("threshold") or 0.0),
                text=str(data["text"]),
                trigger=str(data.get("trigger") or ""),
                clear_text=str(data.get("clear_text") or ""),
                labels={str(k): str(v) for k, v in dict(data.get("labels") or {}).items()},
            )
            if state.observation.value is not None:
                state.last_known = state.observation
        return state
