"""Prometheus collector of the alert service, read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.alerts.service import AlertService
from monitor.scrape import RowGauge, guarded


class AlertsCollector(Collector):
    """Yield the ``dlmon_alert*`` families from the alert service on each scrape."""

    def __init__(self, service: AlertService, *, registry: CollectorRegistry | None = None) -> None:
        self._service = service
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        yield from guarded(firing_families, self._service)
        yield from guarded(evaluation_families, self._service)


def firing_families(service: AlertService) -> Iterator[Metric]:
    """Yield ``dlmon_alerts_firing{rule,pair}`` (1 while any alert of the rule fires for the
    pair, 0 for known quiet ones) and ``dlmon_alert_instances_firing`` (how many: legs, feeds)."""
    firing = RowGauge(
        "dlmon_alerts_firing", "1 while the rule fires for the pair.", ["rule", "pair"]
    )
    count_family = RowGauge(
        "dlmon_alert_instances_firing",
        "Alerts firing per rule and pair (several legs or feeds may fire at once).",
        ["rule", "pair"],
    )
    counts = sorted(service.evaluator.firing_counts().items())
    firing.rows = [(key, 1.0 if count else 0.0) for key, count in counts]  # thousands
    count_family.rows = [(key, float(count)) for key, count in counts]
    yield firing
    yield count_family


def evaluation_families(service: AlertService) -> Iterator[Metric]:
    """Yield the evaluation-round and rule-error counters."""
    evaluations = CounterMetricFamily("dlmon_alert_evaluations", "Alert evaluation rounds.")
    evaluations.add_metric([], service.evaluations)
    yield evaluations
    errors = CounterMetricFamily(
        "dlmon_alert_rule_errors", "Alert rule evaluations that raised.", labels=["rule"]
    )
    for rule, count in sorted(service.evaluator.errors.items()):
        errors.add_metric([rule], count)
    yield errors
