"""Generate the dlmon Grafana dashboards with grafana-foundation-sdk.

Run ``python deploy/grafana/generate.py`` after changing this file and commit the JSON it
writes to ``deploy/grafana/dashboards/``; ``--check`` exits 1 when the committed JSON
differs from what this file generates (tests/deploy/test_grafana.py does the same).

Every query reads metrics exported by dlmon or the recording rules in
``deploy/prometheus/rules/recording.yml``; pairs are joined to their instruments through
``dlmon_pair_leg_info{pair, leg, instrument}``.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

with warnings.catch_warnings():
    # The SDK nudges towards the v2 dashboard schema; Grafana's file provisioning still
    # reads the classic (v1) JSON on every version this stack supports (>= 10), so keep v1.
    warnings.filterwarnings("ignore", "Prefer using dashboardv2", DeprecationWarning)
    from grafana_foundation_sdk.builders import (
        bargauge,
        stat,
        statetimeline,
        statushistory,
        table,
        timeseries,
    )
    from grafana_foundation_sdk.builders import common as cb
    from grafana_foundation_sdk.builders import dashboard as db
    from grafana_foundation_sdk.builders.prometheus import Dataquery
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models import common as cm
    from grafana_foundation_sdk.models import dashboard as dm
    from grafana_foundation_sdk.models.prometheus import PromQueryFormat

DATASOURCE = cm.DataSourceRef(type_val="prometheus", uid="dlmon-prometheus")
OUT_DIR = Path(__file__).resolve().parent / "dashboards"

PAIR = 'pair="$pair"'
# Keep only the series of instruments that belong to the selected pair (any leg).
OF_PAIR = f"and on (instance, instrument) dlmon_pair_leg_info{{{PAIR}}}"


# dlmon's own alerts about the pair, its FX rate (pair="USDHKD") and global ones (no pair).
DLMON_ALERTS_OF_PAIR = (
    'dlmon_alerts_firing{pair=~"$pair|"}\n'
    "or (dlmon_alerts_firing and on (instance, pair) label_replace(\n"
    f'  dlmon_pair_leg_info{{{PAIR}, leg="fx"}}, "pair", "$1", "instrument", "(.*)"))'
)


def fx_of_pair(matchers: str = "") -> str:
    """Return dlmon_fx_rate{matchers} for the FX leg of $pair (fx_rate's pair is USDHKD)."""
    selector = f"dlmon_fx_rate{{{matchers}}}" if matchers else "dlmon_fx_rate"
    return (
        f'label_replace({selector}, "instrument", "$1", "pair", "(.*)")\n'
        f'and on (instance, instrument) dlmon_pair_leg_info{{{PAIR}, leg="fx"}}'
    )


def session_of_leg(leg: str) -> str:
    """Return the PromQL for 'the venue of this leg of $pair is in session' (value 1)."""
    return (
        "(dlmon_market_open == 1)\n"
        "and on (instance, venue) (\n"
        "  dlmon_instrument_info\n"
        f'  and on (instance, instrument) dlmon_pair_leg_info{{{PAIR}, leg="{leg}"}}\n'
        ")"
    )


class Ids:
    """Hand out stable panel ids in creation order."""

    def __init__(self) -> None:
        self._next = 0

    def __call__(self) -> int:
        self._next += 1
        return self._next


def query(expr: str, legend: str = "__auto", ref: str = "A", *, instant: bool = False) -> Dataquery:
    q = Dataquery().expr(expr).legend_format(legend).ref_id(ref).datasource(DATASOURCE)
    if instant:
        q = q.instant().format(PromQueryFormat.TABLE)
    return q


def steps(*pairs: tuple[float | None, str]) -> db.ThresholdsConfig:
    return (
        db.ThresholdsConfig()
        .mode(dm.ThresholdsMode.ABSOLUTE)
        .steps([dm.Threshold(value=v, color=c) for v, c in pairs])
    )


def legend_table(*calcs: str) -> cb.VizLegendOptions:
    return (
        cb.VizLegendOptions()
        .display_mode(cm.LegendDisplayMode.TABLE)
        .placement(cm.LegendPlacement.BOTTOM)
        .show_legend(True)
        .calcs(list(calcs))
    )


def ts(
    ids: Ids,
    title: str,
    description: str,
    queries: Iterable[Dataquery],
    unit: str,
    *,
    width: int = 12,
    height: int = 8,
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .id(ids())
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .span(width)
        .height(height)
        .line_width(1)
        .fill_opacity(0)
        .show_points(cm.VisibilityMode.NEVER)
        .span_nulls(False)
        .legend(legend_table("lastNotNull", "min", "max"))
        .tooltip(cb.VizTooltipOptions().mode(cm.TooltipDisplayMode.MULTI).sort(cm.SortOrder.NONE))
    )
    for q in queries:
        panel = panel.with_target(q)
    return panel


def dashed(color: str) -> list[dm.DynamicConfigValue]:
    return [
        dm.DynamicConfigValue(id_val="color", value={"mode": "fixed", "fixedColor": color}),
        dm.DynamicConfigValue(id_val="custom.lineStyle", value={"fill": "dash", "dash": [10, 10]}),
    ]


def state_mappings(off: str, on: str, off_color: str, on_color: str) -> list[dm.ValueMapping]:
    return [
        dm.ValueMap(
            options={
                "0": dm.ValueMappingResult(text=off, color=off_color, index=0),
                "1": dm.ValueMappingResult(text=on, color=on_color, index=1),
            }
        )
    ]


def state_timeline(
    ids: Ids, title: str, description: str, q: Dataquery, mappings: list[dm.ValueMapping]
) -> statetimeline.Panel:
    return (
        statetimeline.Panel()
        .id(ids())
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .span(12)
        .height(6)
        .with_target(q)
        .mappings(mappings)
        .show_value(cm.VisibilityMode.NEVER)
        .merge_values(True)
        .row_height(0.8)
        .fill_opacity(80)
        .color_scheme(db.FieldColor().mode(dm.FieldColorModeId.FIXED).fixed_color("text"))
    )


def stat_panel(
    ids: Ids, title: str, description: str, queries: Iterable[Dataquery], unit: str, width: int
) -> stat.Panel:
    panel = (
        stat.Panel()
        .id(ids())
        .title(title)
        .description(description)
        .datasource(DATASOURCE)
        .unit(unit)
        .span(width)
        .height(4)
        .graph_mode(cm.BigValueGraphMode.AREA)
        .color_mode(cm.BigValueColorMode.VALUE)
        .reduce_options(cb.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
    )
    for q in queries:
        panel = panel.with_target(q)
    return panel


def annotation(name: str, expr: str, color: str, title: str, tags: str) -> db.AnnotationQuery:
    return (
        db.AnnotationQuery()
        .name(name)
        .datasource(DATASOURCE)
        .enable(True)
        .icon_color(color)
        .expr(expr)
        .step("60s")
        .title_format(title)
        .tag_keys(tags)
        .use_value_for_time(False)
    )


def pair_variable() -> db.QueryVariable:
    return (
        db.QueryVariable("pair")
        .label("Pair")
        .description("Dual listing (dlmon pair name)")
        .datasource(DATASOURCE)
        .query("label_values(dlmon_pair_info, pair)")
        .definition("label_values(dlmon_pair_info, pair)")
        .refresh(dm.VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
    )


def window_variable() -> db.QueryVariable:
    return (
        db.QueryVariable("window")
        .label("Turnover window")
        .description("Rolling window of dlmon_turnover_usd")
        .datasource(DATASOURCE)
        .query("label_values(dlmon_turnover_usd, window)")
        .definition("label_values(dlmon_turnover_usd, window)")
        .refresh(dm.VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(dm.VariableSort.NATURAL_ASC)
    )


def premium_row(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    d = d.with_row(db.Row("Premium").id(ids()))
    d = d.with_panel(
        stat_panel(
            ids,
            "Premium now",
            "ADS premium over the HK line: mid, and the two executable bases net of costs.",
            [query(f"dlmon_premium_ratio{{{PAIR}}}", "{{basis}}")],
            "percentunit",
            12,
        ).decimals(2)
    )
    d = d.with_panel(
        stat_panel(
            ids,
            "USD/HKD",
            "HKD per USD (mid) used for the conversion.",
            [query(fx_of_pair('field="mid"'), "{{field}}")],
            "none",
            4,
        ).decimals(4)
    )
    d = d.with_panel(
        stat_panel(
            ids,
            "Feeds up",
            "Feeds connected, authenticated and subscribed, of all configured feeds.",
            [
                query("sum(dlmon_feed_up)", "up", "A"),
                query("count(dlmon_feed_up)", "configured", "B"),
            ],
            "none",
            4,
        )
    )
    d = d.with_panel(
        stat_panel(
            ids,
            "Legs stale in session",
            "Legs of this pair silent for more than 120 s while their venue trades.",
            [
                query(
                    f"count(pair_leg:dlmon_last_update_age_seconds:in_session{{{PAIR}}} > 120)"
                    " or vector(0)",
                    "stale legs",
                )
            ],
            "none",
            4,
        )
        .thresholds(steps((None, "green"), (1, "red")))
        .color_mode(cm.BigValueColorMode.BACKGROUND)
    )
    band = (
        ts(
            ids,
            "Mid premium and its alert band",
            "(mid_us x fx / ratio) / mid_hk - 1. The shaded band lies between the alert"
            " thresholds of the DlmonPremiumHigh/Low rules (basis:dlmon_premium_ratio:*).",
            [
                query(f'dlmon_premium_ratio{{{PAIR}, basis="mid"}}', "mid premium", "A"),
                query('basis:dlmon_premium_ratio:alert_upper{basis="mid"}', "upper threshold", "B"),
                query('basis:dlmon_premium_ratio:alert_lower{basis="mid"}', "lower threshold", "C"),
            ],
            "percentunit",
        )
        .override_by_name(
            "upper threshold",
            [
                *dashed("red"),
                dm.DynamicConfigValue(id_val="custom.fillBelowTo", value="lower threshold"),
                dm.DynamicConfigValue(id_val="custom.fillOpacity", value=6),
            ],
        )
        .override_by_name("lower threshold", dashed("red"))
    )
    d = d.with_panel(band)
    edges = (
        ts(
            ids,
            "Executable edges (net of costs)",
            "buy_hk_sell_us: buy HK at the ask, deliver into ADS, sell the ADS at the bid;"
            " buy_us_sell_hk: the reverse. Above zero (shaded) is an arbitrage edge after"
            " fees; dashed lines are the alert thresholds.",
            [
                query(f'dlmon_premium_ratio{{{PAIR}, basis=~"buy_.*"}}', "{{basis}}", "A"),
                query(
                    'basis:dlmon_premium_ratio:alert_upper{basis=~"buy_.*"}',
                    "{{basis}} threshold",
                    "B",
                ),
            ],
            "percentunit",
        )
        .thresholds(steps((None, "transparent"), (0, "green")))
        .thresholds_style(
            cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.DASHED_AND_AREA)
        )
        .override_by_regexp(".* threshold", dashed("orange"))
    )
    return d.with_panel(edges)


def legs_row(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    d = d.with_row(db.Row("Legs and FX").id(ids()))
    d = d.with_panel(
        ts(
            ids,
            "Both legs in HKD per HK share",
            "HK mid, and the ADS mid converted: mid_us x USD/HKD / ADS ratio.",
            [query(f"pair_leg:dlmon_price_mid:hkd_per_share{{{PAIR}}}", "{{leg}}")],
            "currencyHKD",
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Both legs in USD per ADS",
            "ADS mid, and the HK mid converted: mid_hk x ADS ratio / USD/HKD.",
            [query(f"pair_leg:dlmon_price_mid:usd_per_ads{{{PAIR}}}", "{{leg}}")],
            "currencyUSD",
        )
    )
    for leg, unit, what in (("us", "currencyUSD", "USD per ADS"), ("hk", "currencyHKD", "HKD")):
        d = d.with_panel(
            ts(
                ids,
                f"{leg.upper()} leg: bid, ask, last ({what})",
                "Native-currency quotes and last trade of the leg.",
                [
                    query(
                        f'dlmon_price{{field=~"bid|ask|last"}}\n'
                        f"and on (instance, instrument) "
                        f'dlmon_pair_leg_info{{{PAIR}, leg="{leg}"}}',
                        "{{instrument}} {{field}}",
                    )
                ],
                unit,
                width=8,
            )
        )
    fx = (
        ts(
            ids,
            "USD/HKD and the peg band",
            "HKD per USD. Shaded: outside the 7.75-7.85 convertibility band.",
            [query(fx_of_pair(), "{{field}}")],
            "none",
            width=8,
        )
        .decimals(4)
        .axis_soft_min(7.74)
        .axis_soft_max(7.86)
        .thresholds(steps((None, "red"), (7.75, "transparent"), (7.85, "red")))
        .thresholds_style(
            cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.LINE_AND_AREA)
        )
    )
    return d.with_panel(fx)


def liquidity_row(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    d = d.with_row(db.Row("Liquidity").id(ids()))
    d = d.with_panel(
        ts(
            ids,
            "Quoted spread",
            "(ask - bid) / mid of each leg.",
            [query(f"dlmon_quoted_spread_ratio\n{OF_PAIR}", "{{instrument}}")],
            "percentunit",
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Top-of-book depth",
            "Notional in USD at the best bid and the best ask.",
            [query(f"dlmon_top_of_book_depth_usd\n{OF_PAIR}", "{{instrument}} {{side}}")],
            "currencyUSD",
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Turnover ($window rolling)",
            "Traded value in USD over the rolling window, per venue.",
            [
                query(
                    f'pair_leg:dlmon_turnover_usd:join{{{PAIR}, window="$window"}}',
                    "{{leg}} {{instrument}}",
                )
            ],
            "currencyUSD",
        )
        .draw_style(cm.GraphDrawStyle.BARS)
        .fill_opacity(60)
    )
    d = d.with_panel(
        ts(
            ids,
            "Venue share of turnover ($window)",
            "Each venue's share of the pair's traded value over the window.",
            [
                query(
                    f'pair_leg:dlmon_turnover_usd:share{{{PAIR}, window="$window"}}',
                    "{{leg}} {{instrument}}",
                )
            ],
            "percentunit",
        )
        .stacking(cb.StackingConfig().mode(cm.StackingMode.NORMAL))
        .fill_opacity(60)
        .min(0)
        .max(1)
    )
    return d


def health_row(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    d = d.with_row(db.Row("Sessions and feed health").id(ids()))
    d = d.with_panel(
        state_timeline(
            ids,
            "Trading sessions",
            "dlmon_market_open per venue (auctions and extended hours count as open).",
            query("max by (venue) (dlmon_market_open)", "{{venue}}"),
            state_mappings("closed", "open", "#3d3d3d", "green"),
        )
    )
    d = d.with_panel(
        state_timeline(
            ids,
            "Feed connection",
            "dlmon_feed_up: connected, authenticated and subscribed.",
            query("max by (feed) (dlmon_feed_up)", "{{feed}}"),
            state_mappings("down", "up", "red", "green"),
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Age of each leg's last update",
            "Seconds since the exchange time of the last valid update. Dashed: the 120 s"
            " DlmonLegStale limit (applies only while the venue is in session).",
            [
                query(
                    f"pair_leg:dlmon_last_update_age_seconds:join{{{PAIR}}}",
                    "{{leg}} {{instrument}} ({{venue}})",
                )
            ],
            "s",
            width=8,
        )
        .thresholds(steps((None, "transparent"), (120, "red")))
        .thresholds_style(cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.DASHED))
    )
    d = d.with_panel(
        ts(
            ids,
            "Feed messages",
            "Messages received per second.",
            [query("feed:dlmon_feed_messages:rate1m", "{{feed}}")],
            "reqps",
            width=8,
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Feed errors and reconnects",
            "Errors per second by kind (bad payloads are dropped, counted and logged) and"
            " reconnects in the last hour.",
            [
                query(
                    "sum by (feed, kind) (rate(dlmon_feed_errors_total[$__rate_interval]))\n"
                    "or on (feed) (0 * max by (feed) (dlmon_feed_up))",
                    "{{feed}} {{kind}} errors/s",
                    "A",
                ),
                query(
                    "feed:dlmon_feed_reconnects:increase1h",
                    "{{feed}} reconnects (1h)",
                    "B",
                ),
            ],
            "short",
            width=8,
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Events accepted and rejected",
            "Events the core accepted, and those validation rejected (by instrument and"
            " reason: crossed book, off-band FX, future timestamp, ...).",
            [
                query(
                    "sum by (instance) (rate(dlmon_events_accepted_total[$__rate_interval]))",
                    "accepted/s",
                    "A",
                ),
                query(
                    "sum by (instrument, reason) "
                    "(rate(dlmon_events_rejected_total[$__rate_interval]))\n"
                    "or on () (0 * sum(dlmon_events_accepted_total))",
                    "rejected/s {{instrument}} {{reason}}",
                    "B",
                ),
            ],
            "reqps",
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Background task restarts",
            "Restarts of crashed background tasks by the supervisor in the last hour.",
            [query("sum by (task) (increase(dlmon_task_restarts_total[1h]))", "{{task}}")],
            "short",
        )
    )
    return latency_panels(d, ids)


def latency_panels(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    """Ingest latency per feed and event-loop lag: the two signs of a loop that stalls."""

    def quantile(q: float, metric: str, by: str) -> str:
        return (
            f"histogram_quantile({q}, sum by ({by}, le) (rate({metric}_bucket[$__rate_interval])))"
        )

    ingest = "dlmon_ingest_latency_seconds"
    lag = "dlmon_event_loop_lag_seconds"
    d = d.with_panel(
        ts(
            ids,
            "Ingest latency",
            "Time from receiving a frame to its last event applied to the state"
            " (dlmon_ingest_latency_seconds): parser plus engine, per feed.",
            [
                query(quantile(0.5, ingest, "feed"), "{{feed}} p50", "A"),
                query(quantile(0.99, ingest, "feed"), "{{feed}} p99", "B"),
            ],
            "s",
        )
    )
    return d.with_panel(
        ts(
            ids,
            "Event-loop lag",
            "How late the event loop ran a 10 ms probe timer (dlmon_event_loop_lag_seconds):"
            " time it was busy elsewhere while frames may have waited. Dashed: 5 ms.",
            [
                query(quantile(0.5, lag, "instance"), "{{instance}} p50", "A"),
                query(quantile(0.99, lag, "instance"), "{{instance}} p99", "B"),
            ],
            "s",
        )
        .thresholds(steps((None, "transparent"), (0.005, "red")))
        .thresholds_style(cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.DASHED))
    )


def analytics_row(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    """Premium statistics of the pair: z-score, half-life, implied FX, venue share."""
    d = d.with_row(db.Row("Analytics").id(ids()))
    d = d.with_panel(
        ts(
            ids,
            "Premium z-score",
            "dlmon_premium_zscore: the mid premium in rolling standard deviations from its"
            " rolling mean, per window (docs/analytics.md).",
            [query(f'dlmon_premium_zscore{{{PAIR}, basis="mid"}}', "{{window}}")],
            "none",
        )
        .thresholds(steps((None, "transparent"), (-2, "red"), (2, "red")))
        .thresholds_style(cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.DASHED))
    )
    d = d.with_panel(
        ts(
            ids,
            "Premium half-life",
            "AR(1) half-life of mid premium deviations and its 95 % interval"
            " (upper bound absent: mean reversion not established).",
            [
                query(f"dlmon_premium_half_life_seconds{{{PAIR}}}", "half-life", "A"),
                query(f"dlmon_premium_half_life_lower_seconds{{{PAIR}}}", "95 % low", "B"),
                query(f"dlmon_premium_half_life_upper_seconds{{{PAIR}}}", "95 % high", "C"),
            ],
            "s",
        )
        .override_by_name("95 % low", dashed("blue"))
        .override_by_name("95 % high", dashed("blue"))
    )
    d = d.with_panel(
        ts(
            ids,
            "Implied FX against USD/HKD",
            "dlmon_implied_fx_rate: the USD/HKD at which the pair is at parity"
            " (r * hk_mid / us_mid), against the FX mid the premium uses.",
            [
                query(f"dlmon_implied_fx_rate{{{PAIR}}}", "implied", "A"),
                query(fx_of_pair('field="mid"'), "USD/HKD mid", "B"),
            ],
            "none",
        ).decimals(4)
    )
    d = d.with_panel(
        ts(
            ids,
            "Venue share of turnover",
            "dlmon_turnover_share_ratio: how the pair's USD turnover splits between the US"
            " and the HK line, per window.",
            [query(f"dlmon_turnover_share_ratio{{{PAIR}}}", "{{venue}} {{window}}")],
            "percentunit",
        )
        .min(0)
        .max(1)
    )
    return d


def alerts_row(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    d = d.with_row(db.Row("Alerts and notifications").id(ids()))
    d = d.with_panel(
        state_timeline(
            ids,
            "dlmon alert rules for the pair",
            "dlmon_alerts_firing: the daemon's own rules (hysteresis, cooldown) that notify"
            " chat, for the pair, its FX rate and feeds.",
            query(f"max by (rule, pair) ({DLMON_ALERTS_OF_PAIR})", "{{rule}} {{pair}}"),
            state_mappings("ok", "firing", "green", "red"),
        )
    )
    d = d.with_panel(
        table.Panel()
        .id(ids())
        .title("Prometheus alerts pending or firing")
        .description("ALERTS from deploy/prometheus/rules/alerts.yml, routed by Alertmanager.")
        .datasource(DATASOURCE)
        .span(12)
        .height(6)
        .with_target(
            query(
                'ALERTS{alertname=~"Dlmon.*"}',
                "{{alertname}}",
                instant=True,
            )
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Notifications",
            "Chat notifications delivered, given up, and waiting in the on-disk spool.",
            [
                # no sink, or nothing sent: zero is the truthful value, not "No data"
                query(
                    "sum by (sink) (increase(dlmon_notifications_sent_total[$__rate_interval]))"
                    "\nor on () vector(0)",
                    "{{sink}} sent",
                    "A",
                ),
                query(
                    "sum by (sink) (increase(dlmon_notifications_failed_total[$__rate_interval]))"
                    "\nor on () vector(0)",
                    "{{sink}} failed",
                    "B",
                ),
                query(
                    "dlmon_notification_spool_depth or on () vector(0)",
                    "{{sink}} waiting in spool",
                    "C",
                ),
            ],
            "short",
        ).draw_style(cm.GraphDrawStyle.BARS)
    )
    d = d.with_panel(
        stat_panel(
            ids,
            "dlmon build and up",
            "Scrape health of the dlmon target and the running version.",
            [
                query('up{job="dlmon"}', "{{instance}} up", "A"),
                query("dlmon_build_info", "version {{version}}", "B"),
            ],
            "none",
            12,
        ).graph_mode(cm.BigValueGraphMode.NONE)
    )
    return d


def main_dashboard() -> db.Dashboard:
    """Build the per-pair dashboard: premium, legs, liquidity, sessions, feeds, alerts."""
    ids = Ids()
    d = (
        db.Dashboard("dlmon · dual listing")
        .uid("dlmon-main")
        .description("ADS vs Hong Kong line premium, liquidity and feed health (dlmon).")
        .tags(["dlmon", "generated"])
        .refresh("10s")
        .time("now-6h", "now")
        .timezone("browser")
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
        .readonly()
        .with_variable(pair_variable())
        .with_variable(window_variable())
        .annotation(
            annotation(
                "HK session",
                session_of_leg("hk"),
                "rgba(31, 120, 193, 0.15)",
                "{{venue}} in session",
                "venue",
            )
        )
        .annotation(
            annotation(
                "US session",
                session_of_leg("us"),
                "rgba(86, 166, 75, 0.15)",
                "{{venue}} in session",
                "venue",
            )
        )
        .annotation(
            annotation(
                "dlmon alerts",
                f"({DLMON_ALERTS_OF_PAIR}) == 1",
                "red",
                "{{rule}}",
                "rule,pair",
            )
        )
        .annotation(
            annotation(
                "Prometheus alerts",
                'ALERTS{alertstate="firing", alertname=~"Dlmon.*"}',
                "orange",
                "{{alertname}}",
                "alertname,pair,severity",
            )
        )
    )
    for row in (premium_row, legs_row, liquidity_row, analytics_row, health_row, alerts_row):
        d = row(d, ids)
    return d


def overview_dashboard() -> db.Dashboard:
    """Build the all-pairs overview: every pair's premium, every feed, every stale leg."""
    ids = Ids()
    d = (
        db.Dashboard("dlmon · overview")
        .uid("dlmon-overview")
        .description("All configured pairs and feeds at a glance (dlmon).")
        .tags(["dlmon", "generated"])
        .refresh("30s")
        .time("now-24h", "now")
        .timezone("browser")
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
        .readonly()
        .link(
            db.DashboardLink("Pair detail")
            .type(dm.DashboardLinkType.DASHBOARDS)
            .tags(["dlmon"])
            .as_dropdown(True)
            .keep_time(True)
        )
    )
    d = d.with_row(db.Row("Pairs").id(ids()))
    d = d.with_panel(
        ts(
            ids,
            "Mid premium, all pairs",
            "dlmon_premium_ratio{basis=mid} of every configured pair.",
            [query('dlmon_premium_ratio{basis="mid"}', "{{pair}}")],
            "percentunit",
            width=24,
        )
    )
    d = d.with_panel(
        table.Panel()
        .id(ids())
        .title("Premium by pair and basis")
        .description("Latest premium of every pair on the three bases.")
        .datasource(DATASOURCE)
        .span(12)
        .height(8)
        .unit("percentunit")
        .decimals(2)
        .with_target(query("dlmon_premium_ratio", "{{pair}} {{basis}}", instant=True))
    )
    d = d.with_panel(
        ts(
            ids,
            "Leg age while in session",
            "Seconds since the last valid update, legs whose venue trades now.",
            [
                query(
                    "pair_leg:dlmon_last_update_age_seconds:in_session",
                    "{{pair}} {{leg}} {{instrument}}",
                )
            ],
            "s",
        )
        .thresholds(steps((None, "transparent"), (120, "red")))
        .thresholds_style(cb.GraphThresholdsStyleConfig().mode(cm.GraphThresholdsStyleMode.DASHED))
    )
    d = d.with_row(db.Row("Feeds").id(ids()))
    d = d.with_panel(
        state_timeline(
            ids,
            "Feed connection",
            "dlmon_feed_up of every feed on every dlmon instance.",
            query("dlmon_feed_up", "{{instance}} {{feed}}"),
            state_mappings("down", "up", "red", "green"),
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Feed messages",
            "Messages received per second.",
            [query("feed:dlmon_feed_messages:rate1m", "{{instance}} {{feed}}")],
            "reqps",
        )
    )
    return bus_row(d, ids)


def bus_row(d: db.Dashboard, ids: Ids) -> db.Dashboard:
    """The tick bus (docs/scale-out.md): each gateway's connection, throughput and losses."""
    d = d.with_row(db.Row("Tick bus (gateways)").id(ids()))
    d = d.with_panel(
        state_timeline(
            ids,
            "Gateway connected to the bus",
            "dlmon_bus_connected of every dlmon gateway (empty without the bus profile).",
            query("dlmon_bus_connected", "{{instance}}"),
            state_mappings("down", "up", "red", "green"),
        )
    )
    d = d.with_panel(
        ts(
            ids,
            "Bus: published, dropped, failed",
            "Events per second acknowledged by the bus, dropped (publish queue full) and"
            " failed (refused or not acknowledged); queued events on the right scale.",
            [
                query("rate(dlmon_bus_published_events_total[$__rate_interval])",
                      "{{instance}} published", "A"),
                query("rate(dlmon_bus_dropped_events_total[$__rate_interval])",
                      "{{instance}} dropped", "B"),
                query("rate(dlmon_bus_failed_events_total[$__rate_interval])",
                      "{{instance}} failed", "C"),
                query("dlmon_bus_queue_events", "{{instance}} queued", "D"),
            ],
            "short",
        )
    )  # fmt: skip
    return d


MID = 'dlmon_premium_ratio{basis="mid"}'


def universe_dashboard() -> db.Dashboard:
    """Build the universe view: the premium index, a heat map of every pair's premium, the
    ranking, top movers and the edges that are positive after costs."""
    ids = Ids()
    d = (
        db.Dashboard("dlmon · universe")
        .uid("dlmon-universe")
        .description("Every HK/US pair at once: premium index, heat map, ranking (dlmon).")
        .tags(["dlmon", "generated"])
        .refresh("30s")
        .time("now-6h", "now")
        .timezone("browser")
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
        .readonly()
        .link(
            db.DashboardLink("Pair detail")
            .type(dm.DashboardLinkType.DASHBOARDS)
            .tags(["dlmon"])
            .as_dropdown(True)
            .keep_time(True)
        )
    )
    d = d.with_row(db.Row("Premium index").id(ids()))
    d = d.with_panel(
        stat_panel(
            ids,
            "Premium index",
            "dlmon_index_value: ADS over HK value of the constituents, 100 = parity; above"
            " 100 New York is rich to Hong Kong (docs/index.md).",
            [query("dlmon_index_value", "{{index}}")],
            "none",
            6,
        ).decimals(2)
    )
    d = d.with_panel(
        stat_panel(
            ids,
            "Constituents priced",
            "dlmon_index_constituents: constituents with a premium in the index now.",
            [query("dlmon_index_constituents", "{{index}}")],
            "none",
            6,
        ).graph_mode(cm.BigValueGraphMode.NONE)
    )
    d = d.with_panel(
        stat_panel(
            ids,
            "Edges positive after costs",
            "Executable edges (either direction, net of every dated cost) above zero now;"
            " 0 when none is.",
            [query('count(dlmon_premium_ratio{basis=~"buy_.*"} > 0) or on () vector(0)', "edges")],
            "none",
            6,
        ).graph_mode(cm.BigValueGraphMode.NONE)
    )
    d = d.with_panel(
        stat_panel(
            ids,
            "Pairs without a premium",
            "Configured pairs (dlmon_pair_info) with no mid premium now; 0 when all have one.",
            [
                query(
                    f"count(dlmon_pair_info unless on (instance, pair) {MID}) or on () vector(0)",
                    "pairs",
                )
            ],
            "none",
            6,
        ).graph_mode(cm.BigValueGraphMode.NONE)
    )
    d = d.with_panel(
        ts(
            ids,
            "Premium index over time",
            "The index as a ratio (dlmon_index_premium_ratio): positive when the ADSs are rich.",
            [query("dlmon_index_premium_ratio", "{{index}}")],
            "percentunit",
        )
    )
    d = d.with_panel(
        bargauge.Panel()
        .id(ids())
        .title("Index weights")
        .description(
            "dlmon_index_weight: each constituent's weight now (drifted since the"
            " last rebalance; dlmon_index_target_weight at the rebalance)."
        )
        .datasource(DATASOURCE)
        .span(12)
        .height(8)
        .unit("percentunit")
        .min(0)
        .max(1)
        .orientation(cm.VizOrientation.HORIZONTAL)
        .with_target(query("sort_desc(dlmon_index_weight)", "{{pair}}", instant=True))
    )
    d = d.with_row(db.Row("Cross-section").id(ids()))
    d = d.with_panel(
        statushistory.Panel()
        .id(ids())
        .title("Premium heat map")
        .description(
            "Mid premium of every pair over time: red when the ADS is cheap, green"
            " when it is rich (scale +-2 %)."
        )
        .datasource(DATASOURCE)
        .span(24)
        .height(10)
        .unit("percentunit")
        .decimals(2)
        .min(-0.02)
        .max(0.02)
        .show_value(cm.VisibilityMode.NEVER)
        .color_scheme(db.FieldColor().mode(dm.FieldColorModeId.CONTINUOUS_RD_YL_GR))
        .with_target(query(MID, "{{pair}}"))
    )
    d = d.with_panel(
        table.Panel()
        .id(ids())
        .title("Ranking: mid premium, richest first")
        .description(
            "Every pair's mid premium now, richest ADS first (the API has"
            " /api/v1/pairs?sort=premium and /api/v1/ranking)."
        )
        .datasource(DATASOURCE)
        .span(8)
        .height(10)
        .unit("percentunit")
        .decimals(2)
        .with_target(query(f"sort_desc({MID})", "{{pair}}", instant=True))
    )
    d = d.with_panel(
        table.Panel()
        .id(ids())
        .title("Ranking: z-score (5m)")
        .description("dlmon_premium_zscore of the mid premium over 5 minutes, largest first.")
        .datasource(DATASOURCE)
        .span(8)
        .height(10)
        .decimals(2)
        .with_target(
            query(
                'sort_desc(dlmon_premium_zscore{basis="mid", window="5m"})',
                "{{pair}}",
                instant=True,
            )
        )
    )
    d = d.with_panel(
        table.Panel()
        .id(ids())
        .title("Top movers (1h)")
        .description("Largest change of the mid premium over the last hour, either way.")
        .datasource(DATASOURCE)
        .span(8)
        .height(10)
        .unit("percentunit")
        .decimals(2)
        .with_target(
            query(
                f"topk(5, delta({MID}[1h])) or bottomk(5, delta({MID}[1h]))",
                "{{pair}}",
                instant=True,
            )
        )
    )
    d = d.with_panel(
        table.Panel()
        .id(ids())
        .title("Executable edges after costs")
        .description(
            "Both executable edges of every pair, net of the dated costs, best"
            " first; the positive ones are trades that pay now."
        )
        .datasource(DATASOURCE)
        .span(24)
        .height(8)
        .unit("percentunit")
        .decimals(3)
        .with_target(
            query(
                'sort_desc(dlmon_premium_ratio{basis=~"buy_.*"})',
                "{{pair}} {{basis}}",
                instant=True,
            )
        )
    )
    return d


DASHBOARDS = {
    "dlmon-main.json": main_dashboard,
    "dlmon-overview.json": overview_dashboard,
    "dlmon-universe.json": universe_dashboard,
}


def render_all() -> dict[str, str]:
    """Return every dashboard as the exact JSON text committed under dashboards/."""
    encoder = JSONEncoder(sort_keys=True, indent=2)
    return {name: encoder.encode(build().build()) + "\n" for name, build in DASHBOARDS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed JSON differs")
    args = parser.parse_args(argv)
    stale = []
    for name, text in render_all().items():
        path = OUT_DIR / name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(name)
        else:
            OUT_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print(f"out of date (run deploy/grafana/generate.py): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
