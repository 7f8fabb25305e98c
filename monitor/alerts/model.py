"""Values shared by rules, the state machine and the service."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import NamedTuple


class Condition(enum.Enum):
    """What a rule sees now: past the trigger, between the levels, past the clear level,
    or unknown (an input is missing: a firing alert stays firing, a pending one resets)."""

    ACTIVE = "active"
    HOLD = "hold"
    CLEAR = "clear"
    UNKNOWN = "unknown"


class Observation(NamedTuple):
    """One rule's verdict on one subject (a pair, a pair's leg, a feed, an FX pair).

    ``text`` states the current value ("mid premium +2.35 % (+235 bp)"), ``trigger`` the
    firing level ("above +2.00 % (+200 bp)") and ``clear_text`` the resolve level.
    """

    subject: str
    pair: str
    condition: Condition
    value: float | None
    threshold: float
    text: str
    trigger: str
    clear_text: str
    labels: Mapping[str, str] = {}  # shared, never written (a Mapping)


class TransitionKind(enum.StrEnum):
    FIRING = "firing"
    REPEAT = "repeat"
    RESOLVED = "resolved"


def classify(value: float, trigger: float, clear: float, above: bool) -> Condition:
    """Condition of ``value`` against a trigger and a clear level (hysteresis band)."""
    if above:
        if value > trigger:
            return Condition.ACTIVE
        return Condition.CLEAR if value < clear or clear == trigger else Condition.HOLD
    if value < trigger:
        return Condition.ACTIVE
    return Condition.CLEAR if value > clear or clear == trigger else Condition.HOLD
