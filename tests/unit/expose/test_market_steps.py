"""The market collector in steps of a few pairs gives the families of the whole snapshot."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from monitor.core.analytics import DEFAULT_ANALYTICS
from monitor.core.engine import Engine
from monitor.core.events import NS_PER_SECOND
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair
from monitor.core.sessions import SessionCalendar
from monitor.expose.metrics.market import PAIRS_PER_STEP, SNAPSHOT_FAMILIES, MarketCollector
from monitor.expose.metrics.validation import validation_families
from monitor.feeds.simulator.config import SimulatorOptions
from monitor.feeds.simulator.model import MarketModel
from monitor.scrape import RowGauge

T0 = 1_790_000_000 * NS_PER_SECOND
COUNT = 2 * PAIRS_PER_STEP + 5  # three steps, the last one short


def pairs() -> list[Pair]:
    fx = Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND)
    return [
        Pair(
            name=f"SIM{i:03d}",
            us=Instrument(f"SIM{i:03d}", "XNAS", "USD"),
            hk=Instrument(f"S{i:03d}.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
            fx=fx,
            ads_ratio=float(1 + i % 3),
        )
        for i in range(1, COUNT + 1)
    ]


def loaded_engine() -> tuple[Engine, int]:
    engine = Engine(pairs(), SessionCalendar("always_open"), analytics=DEFAULT_ANALYTICS)
    legs = [(p.us.symbol, p.hk.symbol, p.ads_ratio) for p in engine.pairs]
    model = MarketModel(SimulatorOptions(seed=3), legs, "USDHKD", "sim")
    open_ = frozenset({s for us, hk, _ in legs for s in (us, hk)} | {"USDHKD"})
    now = T0
    for event in model.opening_events(now, open_):
        engine.on_event(event)
    for i in range(1, 4000):
        now = T0 + i * NS_PER_SECOND // 40
        if i % 40 == 0:
            engine.advance(now)
        for event in model.next_events(now, open_):
            engine.on_event(event)
    now += NS_PER_SECOND
    engine.advance(now)
    return engine, now


def series(families: list[Metric]) -> dict[str, set[tuple[tuple[str, ...], float]]]:
    out: dict[str, set[tuple[tuple[str, ...], float]]] = {}
    for family in families:
        assert family.name not in out, f"{family.name} twice"
        out[family.name] = {(tuple(s.labels.values()), s.value) for s in family.samples}
    return out


def test_steps_merge_to_the_whole_snapshot_families() -> None:
    engine, now = loaded_engine()
    snapshot = engine.snapshot(now)
    collector = MarketCollector(engine, lambda: snapshot)
    steps = list(collector.steps())
    assert steps[:-1] == [None] * (len(SNAPSHOT_FAMILIES) * 3)
    stepped = steps[-1]
    assert stepped is not None
    whole = [f for group in SNAPSHOT_FAMILIES for f in group(snapshot)]
    got = series(stepped)
    assert got == series([*whole, *validation_families(engine)])
    assert len(got["dlmon_premium_ratio"]) == 3 * COUNT  # every pair, not only the first step
    fx = [labels for labels, _ in got["dlmon_fx_rate"]]
    assert sorted(fx) == [("USDHKD", "ask"), ("USDHKD", "bid"), ("USDHKD", "mid")]  # once
    assert all(isinstance(f, RowGauge) for f in stepped if f.name == "dlmon_premium_ratio")
