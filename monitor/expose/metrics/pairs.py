"""Pair families: premium per basis, pair and leg info, staleness and the FX rate."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import Metric

from monitor.core.snapshot import MarketSnapshot
from monitor.scrape import RowGauge


def pair_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield ``dlmon_premium_ratio``, ``dlmon_pair_info``, ``dlmon_pair_leg_info``,
    ``dlmon_pair_stale``, ``dlmon_fx_rate``, ``dlmon_implied_fx_rate`` and
    ``dlmon_pair_ratio_unconfirmed``; a premium that is not available is absent."""
    premium = RowGauge(
        "dlmon_premium_ratio",
        "ADS premium over the HK line (mid) and net executable edge per direction, as a ratio",
        labels=["pair", "basis"],
    )
    pair_info = RowGauge(
        "dlmon_pair_info",
        "Configured pair (constant 1)",
        labels=["pair", "us_symbol", "hk_symbol", "ads_ratio"],
    )
    leg_info = RowGauge(
        "dlmon_pair_leg_info",
        "Instrument of each pair leg (constant 1)",
        labels=["pair", "leg", "instrument"],
    )
    stale = RowGauge(
        "dlmon_pair_stale", "1 when an input of the pair is missing or stale", labels=["pair"]
    )
    fx_rate = RowGauge(
        "dlmon_fx_rate",
        "FX rate in quote currency per base (HKD per USD)",
        labels=["pair", "field"],
    )
    implied_fx = RowGauge(
        "dlmon_implied_fx_rate",
        "USD/HKD at which the pair is at parity, r * hk_mid / us_mid (HKD per USD)",
        labels=["pair"],
    )
    unconfirmed = RowGauge(
        "dlmon_pair_ratio_unconfirmed",
        "1 when the catalogue cannot confirm the ratio in use (set explicitly in the config)",
        labels=["pair"],
    )
    seen_fx: set[str] = set()
    for view in snapshot.pairs:
        pair_info.add_metric(
            [view.pair, view.us.instrument, view.hk.instrument, f"{view.ads_ratio:g}"], 1
        )
        for leg_name, leg in (("us", view.us), ("hk", view.hk), ("fx", view.fx)):
            leg_info.add_metric((view.pair, leg_name, leg.instrument), 1)
        stale.add_metric((view.pair,), 1 if view.stale else 0)
        unconfirmed.add_metric((view.pair,), 1 if view.ratio_unconfirmed else 0)
        if view.implied_fx is not None:
            implied_fx.add_metric((view.pair,), view.implied_fx)
        for basis in ("mid", "buy_hk_sell_us", "buy_us_sell_hk"):
            value = getattr(view.premium, basis)
            if value is not None:
                premium.add_metric((view.pair, basis), value)
        if view.fx.instrument not in seen_fx:
            seen_fx.add(view.fx.instrument)
            for field in ("bid", "ask", "mid"):
                value = getattr(view.fx, field)
                if value is not None:
                    fx_rate.add_metric((view.fx.instrument, field), value)
    yield from (premium, pair_info, leg_info, stale, fx_rate, implied_fx, unconfirmed)
