"""The same synthetic events through the engine and through pandas give the same numbers.

The oracle rebuilds the state after every event with pandas (forward-filled quotes),
samples it at the end of each receive-time second (``groupby(second).last()`` then
``ffill``), and computes every statistic with pandas rolling windows over the complete
seconds before ``now`` (the z-score compares the value now with them). The engine does
the same incrementally (per-second rings folded into running sums by ``advance``).
Checked at several instants, after the rings have wrapped around.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from monitor.core.analytics_view import PairAnalytics
from monitor.core.fees import DEFAULT_FEES
from tests.support.analytics import S, make_engine, ns, pony_pair, run_to, synthetic_events
from tests.support.oracle import edge_buy_hk_sell_us, edge_buy_us_sell_hk

WINDOWS = (("1m", 60), ("5m", 300))
HALF_LIFE_WINDOW = 300
MIN_SAMPLES = 10
REL = 1e-9


@dataclass
class Oracle:
    """Per-second pandas series of everything the analytics look at."""

    premium: dict[str, pd.Series]
    mid: dict[str, pd.Series]
    spread: dict[str, pd.Series]
    turnover: dict[str, pd.Series]


def build_oracle(
    rows: list[dict[str, Any]], now: int, horizon: int, blank: dict[str, Any] | None = None
) -> Oracle:
    """Pandas series per second; ``blank`` maps a series kind to a mask of idle seconds."""
    df = pd.DataFrame(rows)
    df = df[df["ts"] <= now].reset_index(drop=True)
    for inst in ("PONY", "2026.HK", "USDHKD"):
        quote = df["kind"].eq("quote") & df["instrument"].eq(inst)
        for field in ("bid", "ask"):
            df[f"{inst}.{field}"] = df[field].where(quote).ffill()
        df[f"{inst}.mid"] = (df[f"{inst}.bid"] + df[f"{inst}.ask"]) / 2
    us_b, us_a, us_m = df["PONY.bid"], df["PONY.ask"], df["PONY.mid"]
    hk_b, hk_a, hk_m = df["2026.HK.bid"], df["2026.HK.ask"], df["2026.HK.mid"]
    fx_b, fx_a, fx_m = df["USDHKD.bid"], df["USDHKD.ask"], df["USDHKD.mid"]
    ratio, notional = 1.0, pony_pair().edge_notional_usd
    df["premium.mid"] = (us_m * fx_m / ratio) / hk_m - 1
    df["premium.buy_hk_sell_us"] = [
        edge_buy_hk_sell_us(u, h, f, ratio, DEFAULT_FEES, notional)
        for u, h, f in zip(us_b, hk_a, fx_b, strict=True)
    ]
    df["premium.buy_us_sell_hk"] = [
        edge_buy_us_sell_hk(u, h, f, ratio, DEFAULT_FEES, notional)
        for u, h, f in zip(us_a, hk_b, fx_a, strict=True)
    ]
    df["sec"] = df["ts"] // S
    now_sec = now // S
    index = pd.RangeIndex(now_sec - horizon, now_sec + 1)

    def sampled(frame: pd.DataFrame, column: str) -> pd.Series:
        per_second = frame.groupby("sec")[column].last()
        return per_second.reindex(per_second.index.union(index)).ffill().reindex(index)

    blank = blank or {}
    pair_idle = blank.get("pair", lambda idx: np.zeros(len(idx), dtype=bool))(index)
    oracle = Oracle({}, {}, {}, {})
    for basis in ("mid", "buy_hk_sell_us", "buy_us_sell_hk"):
        oracle.premium[basis] = sampled(df, f"premium.{basis}").mask(pair_idle)
    for inst in ("PONY", "2026.HK"):
        mine = df[df["instrument"].eq(inst)].copy()
        mine["spread"] = (mine[f"{inst}.ask"] - mine[f"{inst}.bid"]) / mine[f"{inst}.mid"]
        idle = blank.get(inst, lambda idx: np.zeros(len(idx), dtype=bool))(index)
        oracle.mid[inst] = sampled(mine, f"{inst}.mid").mask(idle)
        oracle.spread[inst] = sampled(mine, "spread").mask(idle)
        trades = mine[mine["kind"].eq("trade")]
        to_usd = 1.0 if inst == "PONY" else 1.0 / trades["USDHKD.mid"]
        value = trades["price"] * trades["size"] * to_usd
        oracle.turnover[inst] = value.groupby(trades["sec"]).sum().reindex(index).fillna(0.0)
    return oracle


def rolling_last(series: pd.Series, window: int, how: str, min_periods: int) -> float:
    """The statistic over the ``window`` complete seconds before now (the last sample)."""
    done = series.iloc[:-1]
    value = getattr(done.rolling(window, min_periods=min_periods), how)().iloc[-1]
    return float(value)


def amihud_oracle(mid: pd.Series, turnover: pd.Series, window: int, bucket: int) -> float:
    """Intervals aligned to whole ``bucket``s of epoch seconds: the complete buckets in the
    window and the last, partial one; a first partial bucket is left out."""
    m, t = mid.iloc[:-1], turnover.iloc[:-1]
    end = int(m.index[-1])
    first = end - window + 1
    ratios = []
    start = -(-first // bucket) * bucket if window >= bucket else first
    while start <= end:
        stop = min((start // bucket + 1) * bucket - 1, end)
        ret = abs(math.log(m.loc[stop]) - math.log(m.loc[start - 1]))
        turn = float(t.loc[start:stop].sum())
        if math.isfinite(ret) and turn > 0:
            ratios.append(ret / turn)
        start = stop + 1
    return float(np.mean(ratios)) if ratios else math.nan


def ar1_oracle(series: pd.Series) -> tuple[float, float, int]:
    frame = pd.concat([series.shift(1), series], axis=1, keys=["prev", "curr"]).dropna()
    if len(frame) < MIN_SAMPLES:
        return math.nan, math.nan, len(frame)
    phi = float(frame.cov().to_numpy()[0, 1]) / float(frame["prev"].var())
    dev_prev = frame["prev"] - frame["prev"].mean()
    resid = (frame["curr"] - frame["curr"].mean()) - phi * dev_prev
    n = len(frame)
    stderr = math.sqrt(float((resid**2).sum()) / (n - 2) / float((dev_prev**2).sum()))
    return phi, stderr, n


def close(actual: float | None, expected: float) -> bool:
    if actual is None:
        return math.isnan(expected)
    return actual == pytest.approx(expected, rel=REL, abs=1e-15)


def check_premium(a: PairAnalytics, oracle: Oracle) -> None:
    for w in a.premium_windows:
        series = oracle.premium[w.basis]
        seconds = w.seconds
        mean = rolling_last(series, seconds, "mean", MIN_SAMPLES)
        std = rolling_last(series, seconds, "std", MIN_SAMPLES)
        assert close(w.mean, mean), (w, mean)
        assert close(w.stddev, std), (w, std)
        assert w.samples == int(series.iloc[:-1].iloc[-seconds:].notna().sum())
        assert close(w.zscore, (series.iloc[-1] - mean) / std), w
        if w.basis != "mid":
            positive = (series > 0).astype(float).where(series.notna())
            assert close(w.positive_share, rolling_last(positive, seconds, "mean", MIN_SAMPLES))


def check_instruments(a: PairAnalytics, oracle: Oracle) -> None:
    for item in (a.us, a.hk):
        mid, turnover = oracle.mid[item.instrument], oracle.turnover[item.instrument]
        returns2 = np.log(mid).diff() ** 2
        for w in item.windows:
            rv = math.sqrt(rolling_last(returns2, w.seconds, "sum", 1))
            assert close(w.realized_volatility, rv), (item.instrument, w)
            spread = rolling_last(oracle.spread[item.instrument], w.seconds, "mean", 1)
            assert close(w.time_weighted_spread, spread)
            assert close(w.turnover_usd, rolling_last(turnover, w.seconds, "sum", 1))
            amihud = amihud_oracle(mid, turnover, w.seconds, 60)
            assert close(w.amihud_illiquidity, amihud), (item.instrument, w, amihud)
    for share in a.turnover_shares:
        us = rolling_last(oracle.turnover["PONY"], share.seconds, "sum", 1)
        hk = rolling_last(oracle.turnover["2026.HK"], share.seconds, "sum", 1)
        assert close(share.us, us / (us + hk)) and close(share.hk, hk / (us + hk))


def assert_not_vacuous(a: PairAnalytics) -> None:
    """The comparisons below must compare numbers, not two missing values."""
    assert all(w.mean is not None and w.zscore is not None for w in a.premium_windows)
    assert all(w.positive_share is not None for w in a.premium_windows if w.basis != "mid")
    five = [w for item in (a.us, a.hk) for w in item.windows if w.window == "5m"]
    assert all(w.realized_volatility and w.amihud_illiquidity for w in five)
    assert all(w.time_weighted_spread and w.turnover_usd > 0 for w in five)
    assert a.turnover_shares[-1].us is not None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_statistic_matches_pandas_rolling_windows(seed: int) -> None:
    rows = synthetic_events(seed, 2500)
    engine = make_engine()
    horizon = max(HALF_LIFE_WINDOW, max(s for _, s in WINDOWS))
    checkpoints = [rows[600]["ts"] + S // 3, rows[1700]["ts"], rows[-1]["ts"] + 5 * S]
    done = 0
    for now in checkpoints:
        done = run_to(engine, rows, done, now)
        engine.advance(now)
        view = engine.snapshot(now).pairs[0]
        assert view.analytics is not None and not view.stale
        oracle = build_oracle(rows, now, horizon + 2)
        assert_not_vacuous(view.analytics)
        check_premium(view.analytics, oracle)
        check_instruments(view.analytics, oracle)
        assert close(view.premium.mid, oracle.premium["mid"].iloc[-1])
        half = view.analytics.half_life
        phi, stderr, n = ar1_oracle(oracle.premium["mid"].iloc[-(HALF_LIFE_WINDOW + 2) : -1])
        assert half is not None and half.samples == n
        assert close(half.ar1_coefficient, phi) and close(half.ar1_stderr, stderr)
        if 0 < phi < 1:
            assert close(half.half_life_seconds, -math.log(2) / math.log(phi))


def test_the_rings_stay_bounded_whatever_the_run_time() -> None:
    rows = synthetic_events(4, 4000)
    engine = make_engine()
    run_to(engine, rows, 0, rows[-1]["ts"])
    assert engine.analytics is not None
    tracker = engine.analytics.pairs["PONY"]
    span = (rows[-1]["ts"] - rows[0]["ts"]) // S
    assert span > 3 * tracker.ring.capacity  # the run outlived the rings several times
    for ring in (tracker.ring, tracker.us.quotes, tracker.hk.trades):
        assert ring is not None and len(ring.secs) == ring.capacity == 302


def hk_lunch(index: pd.RangeIndex) -> Any:
    """Seconds in the HK lunch break (12:00-13:00 HKT = 04:00-05:00 UTC)."""
    seconds_of_day = np.asarray(index) % 86_400
    return (seconds_of_day >= 4 * 3600) & (seconds_of_day < 5 * 3600)


def test_idle_seconds_are_blank_as_in_pandas_with_the_same_mask() -> None:
    # Monday 23 Nov 2026 from 11:40 HKT: the US is closed (Sunday night in New York), HK
    # trades until the lunch break at 12:00. Pair and HK samples are blank over lunch, the
    # US line is blank throughout; prints in a closed US session set no official close.
    rows = synthetic_events(6, 2500, t0=ns("2026-11-23 11:40+08:00"))
    engine = make_engine("exchange")
    blank = {"pair": hk_lunch, "2026.HK": hk_lunch, "PONY": lambda i: np.ones(len(i), bool)}
    checkpoints = [ns("2026-11-23 11:59:30+08:00"), ns("2026-11-23 12:02:30+08:00")]
    checkpoints.append(rows[-1]["ts"] + S)
    done = 0
    compared = 0
    for now in checkpoints:
        done = run_to(engine, rows, done, now)
        engine.advance(now)
        view = engine.snapshot(now).pairs[0]
        assert view.analytics is not None
        oracle = build_oracle(rows, now, 302, blank)
        check_premium(view.analytics, oracle)
        check_instruments(view.analytics, oracle)
        compared += sum(w.mean is not None for w in view.analytics.premium_windows)
        assert view.analytics.us.windows[-1].realized_volatility is None
        half = view.analytics.half_life
        phi, stderr, n = ar1_oracle(oracle.premium["mid"].iloc[-(HALF_LIFE_WINDOW + 2) : -1])
        assert (half is None) is math.isnan(phi)
        if half is not None:
            assert close(half.ar1_coefficient, phi) and close(half.ar1_stderr, stderr)
    assert compared > 0  # the checkpoint before lunch has statistics to compare
