"""What every dlmon collector follows: a scrape degrades, it never fails.

A collector builds its families in groups (pure functions of what it reads); a group that
raises is logged and left out, and the rest of the scrape is still served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import structlog
from prometheus_client.core import CounterMetricFamily, Metric

log = structlog.get_logger(__name__)

Source = TypeVar("Source")


def guarded(families: Callable[[Source], Iterable[Metric]], source: Source) -> list[Metric]:
    """Return ``families(source)``, or nothing (logged) if building them raises."""
    try:
        return list(families(source))
    except Exception:  # one broken group must not take the scrape down
        log.exception("metric_families_failed", families=getattr(families, "__name__", "?"))
        return []


def counters(rows: Iterable[tuple[str, str, float]]) -> Iterator[Metric]:
    """One counter family without labels per ``(name, help, value)``."""
    for name, doc, value in rows:
        yield CounterMetricFamily(name, doc, value=value)


__all__ = ["counters", "guarded"]
