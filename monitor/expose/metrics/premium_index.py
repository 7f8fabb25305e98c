"""Premium index families (``dlmon_index_*``): value, premium, weights, rebalances."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, Metric

from monitor.core.snapshot import MarketSnapshot
from monitor.expose.metrics.common import NS, add_known, gauge


def index_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield the index families; nothing when no index is configured, and no value (absent)
    while no constituent has a premium."""
    view = snapshot.index
    if view is None:
        return
    name = [view.name]
    value = gauge(
        "dlmon_index_value", "Premium index, base_value (100) at parity: ADS over HK value", "index"
    )
    premium = gauge(
        "dlmon_index_premium_ratio", "Premium index as a ratio (value / base - 1)", "index"
    )
    included = gauge(
        "dlmon_index_constituents", "Constituents with a premium in the index now", "index"
    )
    weight = gauge(
        "dlmon_index_weight",
        "Constituent weight now (drifted since the rebalance)",
        "index",
        "pair",
    )
    target = gauge(
        "dlmon_index_target_weight",
        "Constituent weight fixed at the last rebalance",
        "index",
        "pair",
    )
    member = gauge(
        "dlmon_index_constituent_included",
        "1 when the constituent contributes to the value now, else 0",
        "index",
        "pair",
    )
    rebalanced = gauge(
        "dlmon_index_rebalance_timestamp_seconds", "Time of the last rebalance", "index"
    )
    next_rebalance = gauge(
        "dlmon_index_next_rebalance_timestamp_seconds",
        "Time of the next scheduled rebalance",
        "index",
    )
    rebalances = CounterMetricFamily(
        "dlmon_index_rebalances", "Rebalances since start (scheduled and joins)", labels=["index"]
    )
    add_known(value, name, view.value)
    add_known(premium, name, view.premium)
    included.add_metric(name, view.included)
    for c in view.constituents:
        add_known(weight, (view.name, c.pair), c.weight)
        add_known(target, (view.name, c.pair), c.target_weight)
        member.add_metric((view.name, c.pair), 1 if c.included else 0)
    if view.rebalanced_at is not None:
        rebalanced.add_metric(name, view.rebalanced_at / NS)
    next_rebalance.add_metric(name, view.next_rebalance_at / NS)
    rebalances.add_metric(name, view.rebalances)
    yield from (value, premium, included, weight, target, member, rebalanced, next_rebalance)
    yield rebalances
