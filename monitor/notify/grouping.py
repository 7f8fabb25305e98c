"""Alertmanager-style grouping for chat sinks: when a group's notices may be sent (pure).

A route's ``group_by`` labels split its alerts into groups (``...`` = every label, none =
one group). A new group's first notices are held ``group_wait`` (to collect the rest of
a burst into one message); after a group's message, the next one waits until
``group_interval`` has passed. Notices are spooled at once either way: holding only
delays sending.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence


def group_key(group_by: Sequence[str], labels: Mapping[str, str]) -> tuple[Hashable, ...]:
    """The group of an alert with ``labels`` under ``group_by``."""
    if "..." in group_by:
        return tuple(sorted(labels.items()))
    return tuple(labels.get(name, "") for name in group_by)


class Groups:
    """When each group sends next (monotonic seconds)."""

    def __init__(self) -> None:
        self._scheduled: dict[Hashable, float] = {}  # the group's next message
        self._last: dict[Hashable, float] = {}  # its previous message

    def release_at(self, key: Hashable, now: float, wait: float, interval: float) -> float:
        """When a notice of group ``key`` arriving at ``now`` may be sent."""
        scheduled = self._scheduled.get(key)
        if scheduled is not None and scheduled > now:
            return scheduled  # joins the message already planned
        if scheduled is not None:
            self._last[key] = scheduled
        last = self._last.get(key)
        at = last + interval if last is not None and now < last + interval else now + wait
        self._scheduled[key] = at
        return at
