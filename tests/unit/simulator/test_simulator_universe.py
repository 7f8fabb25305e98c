"""The simulator serves any configured pair: own level, lot, premium process, one seed."""

from __future__ import annotations

import statistics

from monitor.app.build import build_pairs
from monitor.core.engine import Engine
from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.core.instruments import Pair
from monitor.core.sessions import SessionCalendar
from monitor.core.ticks import is_on_hkex_grid
from monitor.feeds.simulator.config import SimulatorOptions
from monitor.feeds.simulator.model import MarketModel
from monitor.feeds.simulator.profiles import pair_profile
from monitor.settings.root import Settings

T0 = 1_790_000_000_000_000_000
MS = 1_000_000


def universe_pairs() -> list[Pair]:
    settings = Settings(
        pairs=["PONY", "BABA", "NIO", "YUMC", {"XIACY": {"ads_ratio": 5}}],
        feeds={"sim": {"type": "simulator"}},
    )
    return build_pairs(settings)


def run(options: SimulatorOptions, pairs: list[Pair], steps: int) -> list[Event]:
    profiles = [pair_profile(options, p, first=i == 0) for i, p in enumerate(pairs)]
    model = MarketModel(
        options,
        [(p.us.symbol, p.hk.symbol, p.ads_ratio) for p in pairs],
        "USDHKD",
        "sim",
        profiles,
    )
    open_ = {leg.symbol for p in pairs for leg in p.legs()}
    events: list[Event] = []
    for i in range(1, steps + 1):
        events.extend(model.next_events(T0 + i * 10 * MS, open_))
    return events


def test_each_pair_has_its_catalogue_level_its_board_lot_and_the_hkex_grid() -> None:
    pairs = universe_pairs()
    events = run(SimulatorOptions(trade_probability=0.5), pairs, 20_000)
    for pair in pairs:
        hk = [e for e in events if isinstance(e, Quote) and e.instrument == pair.hk.symbol]
        trades = [e for e in events if isinstance(e, Trade) and e.instrument == pair.hk.symbol]
        assert hk and trades, pair.name
        assert all(is_on_hkex_grid(q.bid) and is_on_hkex_grid(q.ask) for q in hk)
        lot = pair.hk.lot_size
        assert all(q.bid_size % lot == 0 and t.size % lot == 0 for q in hk for t in trades[:5])
    first_hk = {
        p.name: next(e.bid for e in events if isinstance(e, Quote) and e.instrument == p.hk.symbol)
        for p in pairs
    }
    assert 110 < first_hk["PONY"] < 127  # hk_start_price 118.50
    assert 360 < first_hk["YUMC"] < 380  # catalogue level 370
    assert 40 < first_hk["NIO"] < 50  # catalogue level 45
    assert {p.hk.lot_size for p in pairs} == {100, 10, 50, 200}


def test_pairs_share_one_usd_hkd_path_and_one_seed() -> None:
    pairs = universe_pairs()
    a = run(SimulatorOptions(seed=11), pairs, 3000)
    assert a == run(SimulatorOptions(seed=11), pairs, 3000)
    assert a != run(SimulatorOptions(seed=12), pairs, 3000)
    fx = [e for e in a if isinstance(e, FxQuote)]
    assert fx and {e.instrument for e in fx} == {"USDHKD"}


def test_each_pair_follows_its_own_premium_process() -> None:
    pairs = universe_pairs()
    options = SimulatorOptions.model_validate(
        {
            "jump_probability_per_second": 0.0,
            "pairs": {"BABA": {"premium_mean": 0.03}, "NIO": {"premium_mean": -0.02}},
        }
    )
    engine = Engine(pairs, SessionCalendar("always_open"), analytics=None)
    seen: dict[str, list[float]] = {"BABA": [], "NIO": []}
    for i, event in enumerate(run(options, pairs, 30_000)):
        engine.on_event(event)
        if i % 500 == 499:
            for view in engine.snapshot(event.ts_recv).pairs:
                if view.pair in seen and view.premium.mid is not None:
                    seen[view.pair].append(view.premium.mid)
    assert len(seen["BABA"]) > 40 and len(seen["NIO"]) > 40
    assert abs(statistics.mean(seen["BABA"]) - 0.03) < 0.01
    assert abs(statistics.mean(seen["NIO"]) + 0.02) < 0.01


def test_a_busier_pair_updates_more_often() -> None:
    pairs = universe_pairs()
    options = SimulatorOptions.model_validate({"pairs": {"BABA": {"activity": 5}}})
    events = run(options, pairs, 10_000)
    baba = sum(1 for e in events if isinstance(e, Quote) and e.instrument == "9988.HK")
    nio = sum(1 for e in events if isinstance(e, Quote) and e.instrument == "9866.HK")
    assert baba > 3 * nio
