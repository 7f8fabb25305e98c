"""The report's tables: per-second samples, per-minute trades, the daily series per pair.

Statistics come from :mod:`monitor.report.stats` (the daemon's own accumulators): z-score
against the trailing window's moments, share of time positive, AR(1) half-life.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from monitor.core.rolling import Ar1Fit
from monitor.report import stats
from monitor.report.sampler import SAMPLE_COLUMNS, TRADE_COLUMNS

ZSCORE_WINDOW_SECONDS = 3600
ZSCORE_STEP_SECONDS = 60
MIN_SAMPLES = 30

DAILY_COLUMNS = (
    "date", "pair", "seconds", "live_basis_share", "mid_mean_bp", "mid_min_bp", "mid_max_bp",
    "mid_last_bp", "buy_hk_sell_us_best_bp", "buy_hk_sell_us_positive_share",
    "buy_us_sell_hk_best_bp", "buy_us_sell_hk_positive_share", "half_life_seconds",
    "us_turnover_usd", "hk_turnover_usd", "hk_turnover_share", "us_spread_median_bp",
    "hk_spread_median_bp", "fx_mean", "implied_fx_mean",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PairSeries:
    """Everything the report draws for one pair."""

    pair: str
    samples: pd.DataFrame  # index: UTC time; SAMPLE_COLUMNS (ratios)
    trades: pd.DataFrame  # index: UTC minute; venue, instrument, turnover_usd, trades
    zscore: pd.Series  # rolling z-score of the mid premium, one value a minute
    half_life: Ar1Fit | None  # AR(1) of the one-second mid premium, whole recording


def frames(
    samples: Sequence[tuple[Any, ...]], trades: Sequence[tuple[Any, ...]]
) -> dict[str, PairSeries]:
    """Split the sampler's rows into one :class:`PairSeries` per pair."""
    all_samples = pd.DataFrame(list(samples), columns=list(SAMPLE_COLUMNS))
    all_trades = pd.DataFrame(list(trades), columns=list(TRADE_COLUMNS))
    out: dict[str, PairSeries] = {}
    for pair, df in all_samples.groupby("pair", sort=True):
        df = df.copy()
        df.index = pd.to_datetime(df.pop("ts"), unit="ns", utc=True)
        for col in ("mid", "buy_hk_sell_us", "buy_us_sell_hk", "us_mid", "hk_mid", "fx_mid"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
        for leg in ("us", "hk"):  # a closed venue's last quote is not its spread
            spread = pd.to_numeric(df[f"{leg}_spread"], errors="coerce").astype(float)
            df[f"{leg}_spread"] = spread.where(df[f"{leg}_open"].astype(bool))
        df["implied_fx"] = df["ads_ratio"] * df["hk_mid"] / df["us_mid"]
        tr = all_trades[all_trades["pair"] == pair].copy()
        tr.index = pd.to_datetime(tr.pop("minute"), unit="s", utc=True)
        per_second = one_per_second(df["mid"])
        out[str(pair)] = PairSeries(
            pair=str(pair),
            samples=df,
            trades=tr,
            zscore=rolling_zscore(per_second),
            half_life=stats.ar1_fit(per_second.to_numpy(dtype=float), MIN_SAMPLES),
        )
    return out


def one_per_second(series: pd.Series) -> pd.Series:
    """The value in force at every second (last sample carried forward; gaps stay NaN
    after a minute without data)."""
    if series.empty:
        return series
    seconds = series.copy()
    seconds.index = pd.DatetimeIndex(seconds.index).floor("s")
    seconds = seconds[~seconds.index.duplicated(keep="last")]
    grid = pd.date_range(seconds.index[0], seconds.index[-1], freq="s")
    return seconds.reindex(grid).ffill(limit=60)


def rolling_zscore(per_second: pd.Series) -> pd.Series:
    """Z-score of the mid premium against the trailing hour, once a minute."""
    values = per_second.to_numpy(dtype=float)
    scores = stats.rolling_zscores(values, ZSCORE_WINDOW_SECONDS, ZSCORE_STEP_SECONDS, MIN_SAMPLES)
    index = per_second.index[ZSCORE_STEP_SECONDS - 1 :: ZSCORE_STEP_SECONDS][: len(scores)]
    return pd.Series(scores, index=pd.DatetimeIndex(index), dtype=float)


def _bp(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value * 1e4


def _max(x: pd.Series) -> float | None:
    x = x.dropna()
    return None if x.empty else float(x.max())


def daily(series: PairSeries) -> list[dict[str, Any]]:
    """One row per UTC day: premium level and range, edges, half-life, turnover, spreads."""
    rows: list[dict[str, Any]] = []
    df = series.samples
    days = pd.DatetimeIndex(df.index).date
    trade_days = pd.DatetimeIndex(series.trades.index).date
    for day, part in df.groupby(days):
        mid = one_per_second(part["mid"])
        values = mid.to_numpy(dtype=float)
        fit = stats.ar1_fit(values, MIN_SAMPLES)
        trades = series.trades[trade_days == day]
        us = float(trades.loc[trades["venue"] != "XHKG", "turnover_usd"].sum())
        hk = float(trades.loc[trades["venue"] == "XHKG", "turnover_usd"].sum())
        row: dict[str, Any] = {
            "date": str(day),
            "pair": series.pair,
            "seconds": int(np.isfinite(values).sum()),
            "live_basis_share": float((part["basis"] == "live").mean()),
            "mid_mean_bp": _bp(float(np.nanmean(values)) if np.isfinite(values).any() else None),
            "mid_min_bp": _bp(float(np.nanmin(values)) if np.isfinite(values).any() else None),
            "mid_max_bp": _bp(_max(mid)),
            "mid_last_bp": _bp(
                float(part["mid"].dropna().iloc[-1]) if part["mid"].notna().any() else None
            ),
            "half_life_seconds": fit.half_life if fit else None,
            "us_turnover_usd": us,
            "hk_turnover_usd": hk,
            "hk_turnover_share": hk / (us + hk) if us + hk > 0 else None,
            "us_spread_median_bp": _bp(_median(part["us_spread"])),
            "hk_spread_median_bp": _bp(_median(part["hk_spread"])),
            "fx_mean": _mean(part["fx_mid"]),
            "implied_fx_mean": _mean(part["implied_fx"]),
        }
        for edge in ("buy_hk_sell_us", "buy_us_sell_hk"):
            edge_values = one_per_second(part[edge]).to_numpy(dtype=float)
            row[f"{edge}_best_bp"] = _bp(_max(part[edge]))
            row[f"{edge}_positive_share"] = stats.positive_share(edge_values)
        rows.append({column: row[column] for column in DAILY_COLUMNS})
    return rows


def _median(x: pd.Series) -> float | None:
    x = x.dropna()
    return None if x.empty else float(x.median())


def _mean(x: pd.Series) -> float | None:
    x = x.replace([np.inf, -np.inf], np.nan).dropna()
    return None if x.empty else float(x.mean())


__all__ = ["DAILY_COLUMNS", "PairSeries", "daily", "frames", "one_per_second", "rolling_zscore"]
