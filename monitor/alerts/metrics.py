"""Prometheus metric families for alerting (read at scrape time, never fail)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from monitor.alerts.service import AlertService


def alert_metric_families(service: AlertService) -> Iterator[Metric]:
    """Yield ``dlmon_alerts_firing{rule,pair}`` (1 while any alert of the rule fires for the
    pair, 0 for known quiet ones), ``dlmon_alert_instances_firing`` (how many: legs, feeds),
    evaluation and rule-error counters."""
    firing = GaugeMetricFamily(
        "dlmon_alerts_firing", "1 while the rule fires for the pair.", labels=["rule", "pair"]
    )
    count_family = GaugeMetricFamily(
        "dlmon_alert_instances_firing",
        "Alerts firing per rule and pair (several legs or feeds may fire at once).",
        labels=["rule", "pair"],
    )
    for (rule, pair), count in sorted(service.evaluator.firing_counts().items()):
        firing.add_metric([rule, pair], 1 if count else 0)
        count_family.add_metric([rule, pair], count)
    yield firing
    yield count_family
    evaluations = CounterMetricFamily("dlmon_alert_evaluations", "Alert evaluation rounds.")
    evaluations.add_metric([], service.evaluations)
    yield evaluations
    errors = CounterMetricFamily(
        "dlmon_alert_rule_errors", "Alert rule evaluations that raised.", labels=["rule"]
    )
    for rule, count in sorted(service.evaluator.errors.items()):
        errors.add_metric([rule], count)
    yield errors
