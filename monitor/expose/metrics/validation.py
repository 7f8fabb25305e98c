"""Validation families: events the core accepted, rejected and flagged."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, Metric

from monitor.core.engine import Engine


def validation_families(engine: Engine) -> Iterator[Metric]:
    """Yield ``dlmon_events_accepted``, ``dlmon_events_rejected`` and ``dlmon_events_flagged``."""
    accepted = CounterMetricFamily("dlmon_events_accepted", "Events accepted by the core")
    accepted.add_metric((), engine.accepted_total)
    rejected = CounterMetricFamily(
        "dlmon_events_rejected", "Events rejected by validation", labels=["instrument", "reason"]
    )
    for (instrument, reason), count in sorted(engine.rejects.items()):
        rejected.add_metric((instrument, reason), count)
    flagged = CounterMetricFamily(
        "dlmon_events_flagged",
        "Events accepted with a warning (e.g. off the HKEX tick grid)",
        labels=["instrument", "reason"],
    )
    for (instrument, reason), count in sorted(engine.flags.items()):
        flagged.add_metric((instrument, reason), count)
    yield from (accepted, rejected, flagged)
