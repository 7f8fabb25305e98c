"""A deterministic model of dual-listed pairs (pure: no I/O, no asyncio).

HK price: a geometric random walk on the HKEX tick grid with board lots of 100.
Premium of the ADS over HK: an Ornstein-Uhlenbeck process around ``premium_mean`` with
occasional jumps of a few percent that then decay. ADS price = HK * (1 + premium) * r / FX.
USD/HKD: mean-reverting inside the peg band, with a bid/ask of a few pips, shared by all
pairs of one simulator.
"""

from __future__ import annotations

import math
import random

from monitor.core.events import NS_PER_SECOND, Event, FxQuote, Quote, Trade
from monitor.core.ticks import hkex_tick_size, round_to_hkex_grid
from monitor.feeds.simulator.config import SimulatorOptions

HK_LOT = 100


class FxModel:
    """USD/HKD mid reverting to 7.80 with a half-life of about 7 minutes, kept in the band."""

    def __init__(self, symbol: str, start_mid: float, rng: random.Random, source: str) -> None:
        self.symbol, self.mid, self.rng, self.source = symbol, start_mid, rng, source

    def step(self, dt: float) -> None:
        decay = math.exp(-dt / 600.0)
        noise = 0.0008 * math.sqrt(1 - decay * decay)
        self.mid = 7.80 + (self.mid - 7.80) * decay + noise * self.rng.gauss(0, 1)
        self.mid = min(max(self.mid, 7.7505), 7.8495)

    def quote(self, now_ns: int) -> FxQuote:
        half = self.rng.choice((0.0001, 0.00015, 0.0002, 0.0003))
        bid, ask = round(self.mid - half, 5), round(self.mid + half, 5)
        return FxQuote(self.symbol, bid, ask, now_ns, now_ns, self.source)


class PairModel:
    """Evolves one pair's fair values and turns them into quotes and trades."""

    def __init__(
        self,
        options: SimulatorOptions,
        us: str,
        hk: str,
        ratio: float,
        fx: FxModel,
        rng: random.Random,
        hk_start_price: float,
    ) -> None:
        self.o = options
        self.us, self.hk, self.ratio, self.fx = us, hk, ratio, fx
        self.rng = rng
        self.source = fx.source
        self.hk_fair = hk_start_price
        self.premium = options.premium_mean
        self.jump = 0.0

    def step(self, dt: float) -> None:
        o, g = self.o, self.rng.gauss
        self.hk_fair *= math.exp(o.price_volatility_per_second * math.sqrt(dt) * g(0, 1))
        decay = math.exp(-math.log(2) / o.premium_half_life_seconds * dt)
        noise = o.premium_volatility * math.sqrt(1 - decay * decay)
        self.premium = o.premium_mean + (self.premium - o.premium_mean) * decay + noise * g(0, 1)
        self.jump *= decay
        if self.rng.random() < o.jump_probability_per_second * dt:
            self.jump += o.jump_size * (1 if self.rng.random() < 0.5 else -1)

    @property
    def us_fair(self) -> float:
        return self.hk_fair * (1.0 + self.premium + self.jump) * self.ratio / self.fx.mid

    def hk_quote(self, now_ns: int) -> Quote:
        tick = hkex_tick_size(self.hk_fair)
        bid = round_to_hkex_grid(self.hk_fair - tick * self.rng.choice((0.5, 0.5, 1.0)))
        ask = round_to_hkex_grid(bid + tick * self.rng.choice((1, 1, 1, 2)))
        return Quote(self.hk, bid, self._lots(), ask, self._lots(), now_ns, now_ns, self.source)

    def us_quote(self, now_ns: int) -> Quote:
        half = self.rng.choice((0.005, 0.005, 0.01, 0.015))
        bid = round(self.us_fair - half, 2)
        ask = round(max(self.us_fair + half, bid + 0.01), 2)
        size_b, size_a = self.rng.randint(1, 20) * 100.0, self.rng.randint(1, 20) * 100.0
        return Quote(self.us, bid, size_b, ask, size_a, now_ns, now_ns, self.source)

    def trade_from(self, quote: Quote) -> Trade:
        price = quote.ask if self.rng.random() < 0.5 else quote.bid
        size = float(self.rng.randint(1, 10) * (HK_LOT if quote.instrument == self.hk else 50))
        return Trade(quote.instrument, price, size, quote.ts_event, quote.ts_recv, self.source)

    def _lots(self) -> float:
        return float(self.rng.randint(1, 40) * HK_LOT)


class MarketModel:
    """Every simulated pair plus the shared FX rate; one update per call."""

    def __init__(
        self,
        options: SimulatorOptions,
        pairs: list[tuple[str, str, float]],
        fx_symbol: str,
        source: str,
    ) -> None:
        self.o = options
        self.rng = random.Random(options.seed)
        self.fx = FxModel(fx_symbol, options.fx_start_mid, self.rng, source)
        self.pairs = [
            PairModel(
                options,
                us,
                hk,
                ratio,
                self.fx,
                self.rng,
                options.hk_start_price if i == 0 else round(self.rng.uniform(20, 200), 1),
            )
            for i, (us, hk, ratio) in enumerate(pairs)
        ]
        self.last_ns = 0

    def step(self, now_ns: int) -> None:
        """Advance every fair value to ``now_ns``."""
        dt = (now_ns - self.last_ns) / NS_PER_SECOND if self.last_ns else 0.0
        self.last_ns = max(now_ns, self.last_ns)
        if dt <= 0.0:
            return
        self.fx.step(dt)
        for pair in self.pairs:
            pair.step(dt)

    def opening_events(self, now_ns: int, open_: set[str]) -> list[Event]:
        """One quote of every open instrument: the snapshot a real feed sends on subscribe."""
        self.step(now_ns)
        events: list[Event] = []
        if self.fx.symbol in open_:
            events.append(self.fx.quote(now_ns))
        for pair in self.pairs:
            if pair.us in open_:
                events.append(pair.us_quote(now_ns))
            if pair.hk in open_:
                events.append(pair.hk_quote(now_ns))
        return events

    def next_events(self, now_ns: int, open_: set[str]) -> list[Event]:
        """Advance to ``now_ns`` and produce the next update of one open instrument."""
        self.step(now_ns)
        choices: list[tuple[PairModel | None, str]] = [(None, self.fx.symbol)]
        for pair in self.pairs:
            choices += [(pair, pair.us), (pair, pair.hk)]
        choices = [c for c in choices if c[1] in open_]
        if not choices:
            return []
        owner, symbol = self.rng.choice(choices)
        events: list[Event] = []
        if owner is None:
            events.append(self.fx.quote(now_ns))
        else:
            quote = owner.hk_quote(now_ns) if symbol == owner.hk else owner.us_quote(now_ns)
            events.append(quote)
            if self.rng.random() < self.o.trade_probability:
                events.append(owner.trade_from(quote))
        if self.o.fault_probability and self.rng.random() < self.o.fault_probability:
            events[0] = self.broken(events[0])
        return events

    def broken(self, event: Event) -> Event:
        """``event`` broken in one of the ways real feeds break (to exercise validation)."""
        kind = self.rng.randrange(4)
        if isinstance(event, Quote):
            if kind == 0:
                event.bid = float("nan")
            elif kind == 1:
                event.bid, event.ask = event.ask * 1.01, event.bid
            elif kind == 2:
                event.ask = -event.ask
            else:
                event.ts_event += 3600 * NS_PER_SECOND
        elif isinstance(event, FxQuote):
            event.bid, event.ask = 8.2, 8.21
        else:
            event.size = -event.size
        return event
