"""Prometheus exposition: a custom collector that reads core state at scrape time.

Nothing on the hot path writes a metric: every value here is built from a fresh
:class:`~monitor.core.snapshot.MarketSnapshot` and the feeds' health records when
Prometheus scrapes. A premium whose inputs are stale or invalid is absent, never frozen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from monitor.core.engine import Engine
from monitor.core.snapshot import LegView, MarketSnapshot
from monitor.expose.metrics_analytics import analytics_metrics
from monitor.feeds.base import FeedHealth

log = structlog.get_logger(__name__)
NS = 1e9


@dataclass(frozen=True, slots=True)
class MetricsSource:
    """What the collector reads: the engine, the feeds' health and the clock."""

    engine: Engine
    feeds: Callable[[], Sequence[FeedHealth]]
    clock: Callable[[], int]
    version: str
    task_restarts: Callable[[], dict[str, int]]


class DlmonCollector(Collector):
    """Yields every ``dlmon_*`` metric family from a fresh snapshot on each scrape."""

    def __init__(self, source: MetricsSource) -> None:
        self._source = source

    def collect(self) -> Iterator[Metric]:
        src = self._source
        info = GaugeMetricFamily("dlmon_build_info", "Build information", labels=["version"])
        info.add_metric([src.version], 1)
        yield info
        try:
            snapshot = src.engine.snapshot(src.clock())
        except Exception:  # a scrape must degrade, never fail: log and serve the rest
            log.exception("snapshot_failed")
        else:
            yield from _pair_metrics(snapshot)
            yield from analytics_metrics(snapshot)
            yield from _instrument_metrics(snapshot)
            yield from _engine_metrics(src.engine)
        yield from _feed_metrics(src.feeds())
        restarts = CounterMetricFamily(
            "dlmon_task_restarts", "Background task restarts after a crash", labels=["task"]
        )
        for task, count in sorted(src.task_restarts().items()):
            restarts.add_metric([task], count)
        yield restarts

    def describe(self) -> Iterable[Metric]:
        return []


def _pair_metrics(snapshot: MarketSnapshot) -> Iterator[Metric]:
    premium = GaugeMetricFamily(
        "dlmon_premium_ratio",
        "ADS premium over the HK line (mid) and net executable edge per direction, as a ratio",
        labels=["pair", "basis"],
    )
    pair_info = GaugeMetricFamily(
        "dlmon_pair_info",
        "Configured pair (constant 1)",
        labels=["pair", "us_symbol", "hk_symbol", "ads_ratio"],
    )
    leg_info = GaugeMetricFamily(
        "dlmon_pair_leg_info",
        "Instrument of each pair leg (constant 1)",
        labels=["pair", "leg", "instrument"],
    )
    stale = GaugeMetricFamily(
        "dlmon_pair_stale", "1 when an input of the pair is missing or stale", labels=["pair"]
    )
    fx_rate = GaugeMetricFamily(
        "dlmon_fx_rate",
        "FX rate in quote currency per base (HKD per USD)",
        labels=["pair", "field"],
    )
    seen_fx: set[str] = set()
    for view in snapshot.pairs:
        pair_info.add_metric(
            [view.pair, view.us.instrument, view.hk.instrument, f"{view.ads_ratio:g}"], 1
        )
        for leg_name, leg in (("us", view.us), ("hk", view.hk), ("fx", view.fx)):
            leg_info.add_metric([view.pair, leg_name, leg.instrument], 1)
        stale.add_metric([view.pair], 1 if view.stale else 0)
        for basis in ("mid", "buy_hk_sell_us", "buy_us_sell_hk"):
            value = getattr(view.premium, basis)
            if value is not None:
                premium.add_metric([view.pair, basis], value)
        if view.fx.instrument not in seen_fx:
            seen_fx.add(view.fx.instrument)
            for field in ("bid", "ask", "mid"):
                value = getattr(view.fx, field)
                if value is not None:
                    fx_rate.add_metric([view.fx.instrument, field], value)
    yield from (premium, pair_info, leg_info, stale, fx_rate)


def _legs(snapshot: MarketSnapshot) -> list[LegView]:
    legs: dict[str, LegView] = {}
    for view in snapshot.pairs:
        for leg in (view.us, view.hk, view.fx):
            legs.setdefault(leg.instrument, leg)
    return list(legs.values())


def _instrument_metrics(snapshot: MarketSnapshot) -> Iterator[Metric]:
    price = GaugeMetricFamily(
        "dlmon_price", "Price in the instrument's currency", labels=["instrument", "field"]
    )
    info = GaugeMetricFamily(
        "dlmon_instrument_info",
        "Instrument (constant 1)",
        labels=["instrument", "venue", "currency"],
    )
    updated = GaugeMetricFamily(
        "dlmon_last_update_timestamp_seconds",
        "Exchange time of the last valid update",
        labels=["instrument"],
    )
    received = GaugeMetricFamily(
        "dlmon_last_receive_timestamp_seconds",
        "Local receive time of the last valid update",
        labels=["instrument"],
    )
    stale = GaugeMetricFamily(
        "dlmon_instrument_stale", "1 when the instrument's data is stale", labels=["instrument"]
    )
    market_open = GaugeMetricFamily(
        "dlmon_market_open", "1 while the venue is in a trading session", labels=["venue"]
    )
    venues: dict[str, bool] = {}
    for leg in _legs(snapshot):
        venues[leg.venue] = leg.market_open
        info.add_metric([leg.instrument, leg.venue, leg.currency], 1)
        stale.add_metric([leg.instrument], 1 if leg.stale else 0)
        if leg.ts_event is not None and leg.ts_recv is not None:
            updated.add_metric([leg.instrument], leg.ts_event / NS)
            received.add_metric([leg.instrument], leg.ts_recv / NS)
        if leg.venue == "FX":
            continue
        for field in ("bid", "ask", "last", "mid"):
            value = getattr(leg, field)
            if value is not None:
                price.add_metric([leg.instrument, field], value)
    for venue, is_open in sorted(venues.items()):
        market_open.add_metric([venue], 1 if is_open else 0)
    yield from (price, info, updated, received, stale, market_open)
    yield from _liquidity_metrics(snapshot)


def _liquidity_metrics(snapshot: MarketSnapshot) -> Iterator[Metric]:
    spread = GaugeMetricFamily(
        "dlmon_quoted_spread_ratio", "(ask - bid) / mid at the top of book", labels=["instrument"]
    )
    depth = GaugeMetricFamily(
        "dlmon_top_of_book_depth_usd",
        "Notional at the best price in USD",
        labels=["instrument", "side"],
    )
    turnover = GaugeMetricFamily(
        "dlmon_turnover_usd", "Rolling traded value in USD", labels=["instrument", "window"]
    )
    volume = GaugeMetricFamily(
        "dlmon_traded_volume_shares", "Rolling traded shares", labels=["instrument", "window"]
    )
    trades = GaugeMetricFamily(
        "dlmon_trades_in_window",
        "Number of trades in the rolling window",
        labels=["instrument", "window"],
    )
    vwap = GaugeMetricFamily(
        "dlmon_vwap", "Rolling volume-weighted average price", labels=["instrument", "window"]
    )
    for leg in _legs(snapshot):
        liq = leg.liquidity
        if liq is None:
            continue
        if liq.quoted_spread_ratio is not None:
            spread.add_metric([leg.instrument], liq.quoted_spread_ratio)
        for side, value in (("bid", liq.bid_depth_usd), ("ask", liq.ask_depth_usd)):
            if value is not None:
                depth.add_metric([leg.instrument, side], value)
        for w in liq.windows:
            if w.turnover_usd is not None:
                turnover.add_metric([leg.instrument, w.window], w.turnover_usd)
            volume.add_metric([leg.instrument, w.window], w.volume)
            trades.add_metric([leg.instrument, w.window], w.trades)
            if w.vwap is not None:
                vwap.add_metric([leg.instrument, w.window], w.vwap)
    yield from (spread, depth, turnover, volume, trades, vwap)


def _engine_metrics(engine: Engine) -> Iterator[Metric]:
    accepted = CounterMetricFamily("dlmon_events_accepted", "Events accepted by the core")
    accepted.add_metric([], engine.accepted_total)
    rejected = CounterMetricFamily(
        "dlmon_events_rejected", "Events rejected by validation", labels=["instrument", "reason"]
    )
    for (instrument, reason), count in sorted(engine.rejects.items()):
        rejected.add_metric([instrument, reason], count)
    flagged = CounterMetricFamily(
        "dlmon_events_flagged",
        "Events accepted with a warning (e.g. off the HKEX tick grid)",
        labels=["instrument", "reason"],
    )
    for (instrument, reason), count in sorted(engine.flags.items()):
        flagged.add_metric([instrument, reason], count)
    yield from (accepted, rejected, flagged)


def _feed_metrics(feeds: Sequence[FeedHealth]) -> Iterator[Metric]:
    up = GaugeMetricFamily(
        "dlmon_feed_up", "1 when connected, authenticated and subscribed", labels=["feed"]
    )
    messages = CounterMetricFamily("dlmon_feed_messages", "Messages received", labels=["feed"])
    errors = CounterMetricFamily(
        "dlmon_feed_errors", "Feed errors by kind", labels=["feed", "kind"]
    )
    reconnects = CounterMetricFamily("dlmon_feed_reconnects", "Reconnections", labels=["feed"])
    last = GaugeMetricFamily(
        "dlmon_feed_last_message_timestamp_seconds", "Time of the last message", labels=["feed"]
    )
    state = GaugeMetricFamily(
        "dlmon_feed_state", "Connection state (1 for the current state)", labels=["feed", "state"]
    )
    for health in feeds:
        up.add_metric([health.name], 1 if health.up else 0)
        messages.add_metric([health.name], health.messages_total)
        reconnects.add_metric([health.name], health.reconnects_total)
        for kind, count in sorted(health.errors_total.items()):
            errors.add_metric([health.name, kind], count)
        if health.last_message_ns:
            last.add_metric([health.name], health.last_message_ns / NS)
        state.add_metric([health.name, health.state.value], 1)
    yield from (up, messages, errors, reconnects, last, state)
