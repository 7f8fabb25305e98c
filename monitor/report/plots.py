"""The report's PNG charts (matplotlib, Agg backend: no display needed).

Each function draws one figure for one pair into ``path``. Premiums are shown in basis
points (1 bp = 0.01 %); times in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from monitor.report.events import MarketEvent  # noqa: E402
from monitor.report.series import PairSeries, one_per_second  # noqa: E402

SIZE = (10.0, 3.6)
DPI = 100
COLORS = {"mid": "#1f5fbf", "buy_hk_sell_us": "#137333", "buy_us_sell_hk": "#b3261e"}
LABELS = {"mid": "mid", "buy_hk_sell_us": "buy HK / sell US", "buy_us_sell_hk": "buy US / sell HK"}
SESSION_COLORS = {"hk": ("#f2b705", "HK session"), "us": ("#6c8ebf", "US session")}


def _figure(title: str) -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title(title, fontsize=11, loc="left")
    ax.grid(True, alpha=0.3)
    return fig, ax


def _x(when: pd.Timestamp) -> float:
    """A time as matplotlib's date number (what axvspan and axvline take)."""
    return float(mdates.date2num(when))  # type: ignore[no-untyped-call]


def _time_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(tz="UTC")  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator, tz="UTC")  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(formatter)
    ax.set_xlabel("UTC")


def _save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


def _spans(flags: pd.Series) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Contiguous stretches where ``flags`` is true, as (start, end) times."""
    spans: list[tuple[pd.Timestamp, pd.Timestamp]] = []
    start: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    for when, flag in flags.items():
        ts = pd.Timestamp(when)  # type: ignore[arg-type]
        if flag and start is None:
            start = ts
        elif not flag and start is not None and last is not None:
            spans.append((start, last))
            start = None
        last = ts
    if start is not None and last is not None:
        spans.append((start, last))
    return spans


def _shade_sessions(ax: Axes, samples: pd.DataFrame) -> None:
    for leg, (color, label) in SESSION_COLORS.items():
        for i, (start, end) in enumerate(_spans(samples[f"{leg}_open"].astype(bool))):
            ax.axvspan(
                _x(start), _x(end), color=color, alpha=0.12, lw=0, label=label if i == 0 else None
            )


def _draw_events(ax: Axes, events: Sequence[MarketEvent], pair: str, samples: pd.DataFrame) -> None:
    if samples.empty:
        return
    lo, hi = samples.index[0], samples.index[-1]
    for event in events:
        if (event.pair not in (None, pair)) or not lo <= event.when <= hi:
            continue
        ax.axvline(_x(event.when), color="#444", lw=1, ls="--")
        ax.annotate(
            event.label,
            (_x(event.when), 1.0),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="top",
            ha="right",
            fontsize=8,
            color="#444",
        )


def premium_chart(s: PairSeries, events: Sequence[MarketEvent], path: Path) -> Path:
    """The three bases over time, venue sessions shaded, events marked."""
    fig, ax = _figure(f"{s.pair}: premium of the US line over the HK line (bp)")
    _shade_sessions(ax, s.samples)
    for basis in ("mid", "buy_hk_sell_us", "buy_us_sell_hk"):
        ax.plot(s.samples.index, s.samples[basis] * 1e4, lw=0.9, color=COLORS[basis],
                label=LABELS[basis])  # fmt: skip
    ax.axhline(0, color="black", lw=0.6)
    _draw_events(ax, events, s.pair, s.samples)
    ax.set_ylabel("bp")
    _time_axis(ax)
    ax.legend(loc="lower left", fontsize=8, ncol=5)
    return _save(fig, path)


def distribution_chart(s: PairSeries, path: Path) -> Path:
    """Histogram of the one-second mid premium with its mean and median."""
    values = one_per_second(s.samples["mid"]).dropna().to_numpy(dtype=float) * 1e4
    fig, ax = _figure(f"{s.pair}: distribution of the mid premium (one value a second)")
    if values.size:
        ax.hist(values, bins=min(60, max(10, values.size // 50)), color=COLORS["mid"], alpha=0.8)
        mean, median = float(values.mean()), float(np.median(values))
        ax.axvline(mean, color="black", lw=1, label=f"mean {mean:+.1f} bp")
        ax.axvline(median, color="black", lw=1, ls=":", label=f"median {median:+.1f} bp")
        ax.legend(fontsize=8)
    ax.set_xlabel("mid premium (bp)")
    ax.set_ylabel("seconds")
    return _save(fig, path)


def edges_chart(s: PairSeries, positive: dict[str, float | None], path: Path) -> Path:
    """Both executable edges (net of costs) and where they were positive."""
    fig, ax = _figure(f"{s.pair}: executable edges net of costs (bp)")
    for edge in ("buy_hk_sell_us", "buy_us_sell_hk"):
        bp = s.samples[edge] * 1e4
        share = positive.get(edge)
        label = LABELS[edge] + (f" (positive {share:.1%} of the time)" if share is not None else "")
        ax.plot(s.samples.index, bp, lw=0.9, color=COLORS[edge], label=label)
        ax.fill_between(s.samples.index, 0, bp.clip(lower=0).fillna(0), color=COLORS[edge],
                        alpha=0.3)  # fmt: skip
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("bp")
    _time_axis(ax)
    ax.legend(loc="lower left", fontsize=8)
    return _save(fig, path)


def zscore_chart(s: PairSeries, path: Path) -> Path:
    """Z-score of the mid premium against the trailing hour; AR(1) half-life in the title."""
    fit = s.half_life
    if fit is None or fit.half_life is None:
        hl = "half-life: no mean reversion found" if fit else "half-life: too few samples"
    else:
        hl = f"half-life {fit.half_life:.0f} s (AR(1), {fit.samples} one-second steps)"
    fig, ax = _figure(f"{s.pair}: z-score of the mid premium vs the trailing hour; {hl}")
    ax.plot(s.zscore.index, s.zscore.to_numpy(), lw=1, color=COLORS["mid"])
    for level in (-2, 2):
        ax.axhline(level, color="#b3261e", lw=0.8, ls="--")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_ylabel("z")
    _time_axis(ax)
    return _save(fig, path)


def liquidity_chart(s: PairSeries, path: Path) -> Path:
    """Quoted spread (per-minute median, bp) and value traded per minute, by venue."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(SIZE[0], SIZE[1] * 1.6), dpi=DPI, sharex=True)
    top.set_title(f"{s.pair}: quoted spread and value traded by venue", fontsize=11, loc="left")
    for leg, color, name in (("us", "#6c8ebf", "US"), ("hk", "#d18f00", "HK")):
        spread = s.samples[f"{leg}_spread"].resample("1min").median() * 1e4
        top.plot(spread.index, spread.to_numpy(), lw=0.9, color=color, label=f"{name} spread")
    top.set_ylabel("spread (bp)")
    top.grid(True, alpha=0.3)
    top.legend(fontsize=8)
    width = 1 / 1440  # one minute, in days
    for venue_is_hk, color, name in ((False, "#6c8ebf", "US"), (True, "#d18f00", "HK")):
        part = s.trades[(s.trades["venue"] == "XHKG") == venue_is_hk]
        bottom.bar(part.index, part["turnover_usd"], width=width, color=color, label=name)
    bottom.set_ylabel("USD per minute")
    bottom.grid(True, alpha=0.3)
    bottom.legend(fontsize=8)
    _time_axis(bottom)
    return _save(fig, path)


def share_chart(s: PairSeries, path: Path) -> Path:
    """Each venue's share of the value traded, per hour."""
    fig, ax = _figure(f"{s.pair}: share of value traded by venue (per hour)")
    if not s.trades.empty:
        venue = np.where(s.trades["venue"] == "XHKG", "HK", "US")
        hourly = (
            s.trades.assign(venue=venue)
            .groupby([pd.Grouper(freq="1h"), "venue"])["turnover_usd"]
            .sum()
            .unstack(fill_value=0)
        )
        hourly = hourly[hourly.sum(axis=1) > 0]
        shares = hourly.div(hourly.sum(axis=1), axis=0)
        bottom = np.zeros(len(shares))
        for name, color in (("US", "#6c8ebf"), ("HK", "#d18f00")):
            if name in shares:
                ax.bar(shares.index, shares[name], bottom=bottom, width=1 / 24 * 0.9,
                       color=color, label=name, align="edge")  # fmt: skip
                bottom += shares[name].to_numpy()
        ax.legend(fontsize=8)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    _time_axis(ax)
    return _save(fig, path)


def fx_chart(s: PairSeries, path: Path) -> Path:
    """USD/HKD implied by the two lines (ratio x HK / US) against the market rate."""
    fig, ax = _figure(f"{s.pair}: implied vs market USD/HKD")
    ax.plot(s.samples.index, s.samples["fx_mid"], lw=1, color="black", label="market FX mid")
    ax.plot(s.samples.index, s.samples["implied_fx"], lw=0.9, color=COLORS["mid"],
            label="implied: ratio x HK mid / US mid")  # fmt: skip
    ax.set_ylabel("HKD per USD")
    _time_axis(ax)
    ax.legend(fontsize=8)
    return _save(fig, path)


__all__ = [
    "distribution_chart",
    "edges_chart",
    "fx_chart",
    "liquidity_chart",
    "premium_chart",
    "share_chart",
    "zscore_chart",
]
