"""Pair analytics families: premium basis, rolling premium statistics, half-life, the premium
at the venues' open and close, and each venue's turnover share (see ``common`` for units)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import Metric

from monitor.core.analytics_view import PairAnalytics
from monitor.core.snapshot import MarketSnapshot
from monitor.expose.metrics.common import NS, add_known, gauge


def pairs_with_analytics(snapshot: MarketSnapshot) -> list[tuple[str, PairAnalytics]]:
    """Return ``(pair, analytics)`` for each pair that carries analytics."""
    return [(v.pair, v.analytics) for v in snapshot.pairs if v.analytics is not None]


def premium_basis_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield whether the premium is live and when and how each leg's price was set."""
    live = gauge(
        "dlmon_premium_basis_live",
        "1 when both venues trade (live premium), 0 when a closed venue counts at its close",
        "pair",
    )
    leg_ts = gauge(
        "dlmon_premium_leg_timestamp_seconds",
        "Exchange time of the price each leg contributes to the premium (the close if closed)",
        "pair",
        "leg",
    )
    leg_reference = gauge(
        "dlmon_premium_leg_reference",
        "1 when the leg contributes a reference price (its venue is closed), else 0",
        "pair",
        "leg",
    )
    for pair, a in pairs_with_analytics(snapshot):
        live.add_metric((pair,), 1 if a.basis == "live" else 0)
        for leg_name, leg in zip(("us", "hk", "fx"), a.legs, strict=True):
            if leg.ts is not None:
                leg_ts.add_metric((pair, leg_name), leg.ts / NS)
            leg_reference.add_metric((pair, leg_name), 0 if leg.kind == "live" else 1)
    yield from (live, leg_ts, leg_reference)


def premium_statistics_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield the rolling premium statistics per basis and window, and the AR(1) half-life."""
    labels = ("pair", "basis", "window")
    mean = gauge("dlmon_premium_mean_ratio", "Rolling mean of the 1 s premium", *labels)
    std = gauge("dlmon_premium_stddev_ratio", "Rolling std dev of the 1 s premium", *labels)
    z = gauge("dlmon_premium_zscore", "Current premium in rolling std devs from the mean", *labels)
    positive = gauge(
        "dlmon_edge_positive_time_ratio", "Share of time the executable edge was > 0", *labels
    )
    half = gauge(
        "dlmon_premium_half_life_seconds", "Half-life of mid premium deviations (AR(1))", "pair"
    )
    half_low = gauge(
        "dlmon_premium_half_life_lower_seconds",
        "95 % interval lower bound of the half-life",
        "pair",
    )
    half_high = gauge(
        "dlmon_premium_half_life_upper_seconds",
        "95 % interval upper bound of the half-life (absent: unbounded)",
        "pair",
    )
    coef = gauge("dlmon_premium_ar1_coefficient", "AR(1) coefficient, 1 s steps", "pair")
    stderr = gauge("dlmon_premium_ar1_stderr", "Standard error of the AR(1) coefficient", "pair")
    for pair, a in pairs_with_analytics(snapshot):
        for w in a.premium_windows:
            key = (pair, w.basis, w.window)
            add_known(mean, key, w.mean)
            add_known(std, key, w.stddev)
            add_known(z, key, w.zscore)
            add_known(positive, key, w.positive_share)
        h = a.half_life
        if h is not None:
            add_known(half, (pair,), h.half_life_seconds)
            add_known(half_low, (pair,), h.half_life_low_seconds)
            add_known(half_high, (pair,), h.half_life_high_seconds)
            coef.add_metric((pair,), h.ar1_coefficient)
            stderr.add_metric((pair,), h.ar1_stderr)
    yield from (mean, std, z, positive, half, half_low, half_high, coef, stderr)


def premium_open_close_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield the mid premium at each venue's latest open and latest official close."""
    at_open = gauge(
        "dlmon_premium_at_open_ratio", "Mid premium at the venue's latest open", "pair", "venue"
    )
    at_close = gauge(
        "dlmon_premium_at_close_ratio",
        "Mid premium at the venue's latest official close",
        "pair",
        "venue",
    )
    for pair, a in pairs_with_analytics(snapshot):
        latest_open: dict[str, float] = {}
        latest_close: dict[str, float] = {}
        for day in a.days:  # oldest first: the last one seen wins
            if day.open_premium is not None:
                latest_open[day.venue] = day.open_premium
            if day.close_premium is not None:
                latest_close[day.venue] = day.close_premium
        for venue, value in sorted(latest_open.items()):
            at_open.add_metric((pair, venue), value)
        for venue, value in sorted(latest_close.items()):
            at_close.add_metric((pair, venue), value)
    yield from (at_open, at_close)


def turnover_share_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield ``dlmon_turnover_share_ratio{pair,venue,window}``."""
    share = gauge(
        "dlmon_turnover_share_ratio",
        "Each venue's share of the pair's USD turnover over the window",
        "pair",
        "venue",
        "window",
    )
    for pair, a in pairs_with_analytics(snapshot):
        for s in a.turnover_shares:
            add_known(share, (pair, a.us.venue, s.window), s.us)
            add_known(share, (pair, a.hk.venue, s.window), s.hk)
    yield share
