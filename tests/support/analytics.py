"""The analytics tests' world: the PONY pair with long staleness, small windows, and a
seeded random walk of quotes and prints to push through the engine."""

from __future__ import annotations

import math
import random
from typing import Any

import pandas as pd

from monitor.core.analytics import AnalyticsSettings
from monitor.core.engine import Engine
from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.core.instruments import Pair, Staleness
from monitor.core.sessions import SessionCalendar
from tests.support import builders

S = builders.S


def ns(ts: str) -> int:
    return int(pd.Timestamp(ts).value)


def pony_pair() -> Pair:
    """The PONY pair, stale only after 10 minutes (the synthetic walk has long gaps)."""
    return builders.pony_pair(Staleness(us_seconds=600, hk_seconds=600, fx_seconds=600))


def small_settings(**kwargs: object) -> AnalyticsSettings:
    base: dict[str, object] = {
        "windows": (("1m", 60), ("5m", 300)),
        "half_life_window_seconds": 300,
        "min_samples": 10,
        "amihud_bucket_seconds": 60,
    }
    base.update(kwargs)
    return AnalyticsSettings(**base)  # type: ignore[arg-type]


def make_engine(mode: str = "always_open", **kwargs: object) -> Engine:
    calendar = SessionCalendar("always_open" if mode == "always_open" else "exchange")
    return Engine([pony_pair()], calendar, analytics=small_settings(**kwargs))


T0 = 1_790_000_000 * S


def synthetic_events(seed: int, n: int, t0: int = T0) -> list[dict[str, Any]]:
    """Random walk quotes and prints of PONY, 2026.HK and USD/HKD, with gaps and bursts."""
    rng = random.Random(seed)
    t = t0
    us, hk, fx = 15.20, 118.40, 7.7810
    rows: list[dict[str, Any]] = []
    for i in range(n):
        t += rng.choice([rng.randint(1, 200_000_000), rng.randint(1, 3 * S), 7 * S])
        if i < 3:
            kind, inst = "quote", ("PONY", "2026.HK", "USDHKD")[i]
        else:
            k = rng.random()
            inst = "PONY" if k < 0.35 else "2026.HK" if k < 0.7 else "USDHKD"
            kind = "trade" if inst != "USDHKD" and rng.random() < 0.25 else "quote"
        row: dict[str, Any] = {"ts": t, "instrument": inst, "kind": kind}
        if inst == "PONY":
            us = max(1.0, us * (1 + rng.gauss(0, 4e-4)))
            bid = round(us, 2)
            ask = bid + 0.01 * rng.randint(1, 3)
            price = rng.choice([bid, ask])
        elif inst == "2026.HK":
            hk = max(10.0, hk * (1 + rng.gauss(0, 4e-4)))
            bid = round(hk, 1)
            ask = round(bid + 0.1 * rng.randint(1, 3), 1)
            price = rng.choice([bid, ask])
        else:
            fx = min(7.84, max(7.76, fx + rng.gauss(0, 2e-4)))
            bid = round(fx, 4)
            ask = round(bid + 0.0002, 4)
            price = math.nan
        if kind == "quote":
            row.update(bid=bid, ask=ask, bid_size=rng.randint(1, 20) * 100.0)
            row["ask_size"] = rng.randint(1, 20) * 100.0
        else:
            row.update(price=price, size=rng.randint(1, 30) * 100.0)
        rows.append(row)
    return rows


def to_event(row: dict[str, Any]) -> Event:
    t, inst = row["ts"], row["instrument"]
    if row["kind"] == "trade":
        return Trade(inst, row["price"], row["size"], t, t, "a")
    if inst == "USDHKD":
        return FxQuote(inst, row["bid"], row["ask"], t, t, "a")
    return Quote(inst, row["bid"], row["bid_size"], row["ask"], row["ask_size"], t, t, "a")


def run_to(engine: Engine, rows: list[dict[str, Any]], start: int, now: int) -> int:
    """Apply the rows up to ``now`` and move the engine's clock on as the daemon does
    (``advance`` as each second starts, and at ``now``)."""
    i = start
    second = -1
    while i < len(rows) and rows[i]["ts"] <= now:
        ts = rows[i]["ts"]
        if ts // S != second:
            second = ts // S
            engine.advance(ts)
        assert engine.on_event(to_event(rows[i]))
        i += 1
    engine.advance(now)
    return i
