"""Liquidity families: top-of-book spread and depth, rolling turnover, volume, trades, VWAP."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import Metric

from monitor.core.snapshot import MarketSnapshot
from monitor.expose.metrics.instruments import distinct_legs
from monitor.scrape import RowGauge


def liquidity_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield the liquidity families of every instrument that has liquidity data."""
    spread = RowGauge(
        "dlmon_quoted_spread_ratio", "(ask - bid) / mid at the top of book", labels=["instrument"]
    )
    depth = RowGauge(
        "dlmon_top_of_book_depth_usd",
        "Notional at the best price in USD",
        labels=["instrument", "side"],
    )
    turnover = RowGauge(
        "dlmon_turnover_usd", "Rolling traded value in USD", labels=["instrument", "window"]
    )
    volume = RowGauge(
        "dlmon_traded_volume_shares", "Rolling traded shares", labels=["instrument", "window"]
    )
    trades = RowGauge(
        "dlmon_trades_in_window",
        "Number of trades in the rolling window",
        labels=["instrument", "window"],
    )
    vwap = RowGauge(
        "dlmon_vwap", "Rolling volume-weighted average price", labels=["instrument", "window"]
    )
    for leg in distinct_legs(snapshot):
        liq = leg.liquidity
        if liq is None:
            continue
        if liq.quoted_spread_ratio is not None:
            spread.add_metric((leg.instrument,), liq.quoted_spread_ratio)
        for side, value in (("bid", liq.bid_depth_usd), ("ask", liq.ask_depth_usd)):
            if value is not None:
                depth.add_metric((leg.instrument, side), value)
        for w in liq.windows:
            if w.turnover_usd is not None:
                turnover.add_metric((leg.instrument, w.window), w.turnover_usd)
            volume.add_metric((leg.instrument, w.window), w.volume)
            trades.add_metric((leg.instrument, w.window), w.trades)
            if w.vwap is not None:
                vwap.add_metric((leg.instrument, w.window), w.vwap)
    yield from (spread, depth, turnover, volume, trades, vwap)
