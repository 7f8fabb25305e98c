"""A deterministic model of dual-listed pairs (pure: no I/O, no asyncio).

HK price: a geometric random walk on the HKEX tick grid in the pair's board lots.
Premium of the ADS over HK: an Ornstein-Uhlenbeck process around the pair's mean with
occasional jumps of a few percent that then decay. ADS price = HK * (1 + premium) * r / FX.
USD/HKD: mean-reverting inside the peg band, with a bid/ask of a few pips, shared by all
pairs of one simulator. Each pair has its own :class:`PairProfile` (price level, lot,
premium process, depth, trade rate, update rate); everything is drawn from one seed.

A pair's processes move on when the pair is drawn (by the time since it last moved: the
walk and the Ornstein-Uhlenbeck step are exact for any step), so an update costs the same
at one pair or at hundreds.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence, Set
from typing import NamedTuple

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


class PairProfile(NamedTuple):
    """One simulated pair's own character: price level, board lot, premium process,
    top-of-book depth (in lots), trade probability per update and relative update rate."""

    hk_price: float
    lot: int = HK_LOT
    premium_mean: float = -0.001
    premium_volatility: float = 0.0015
    premium_half_life_seconds: float = 120.0
    trade_probability: float = 0.15
    depth_lots: int = 40
    activity: float = 1.0

    @classmethod
    def from_options(cls, options: SimulatorOptions, hk_price: float) -> PairProfile:
        """The profile every pair had before profiles existed (the options' values)."""
        return cls(
            hk_price=hk_price,
            premium_mean=options.premium_mean,
            premium_volatility=options.premium_volatility,
            premium_half_life_seconds=options.premium_half_life_seconds,
            trade_probability=options.trade_probability,
        )


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
        profile: PairProfile,
    ) -> None:
        self.o = options
        self.p = profile
        self.us, self.hk, self.ratio, self.fx = us, hk, ratio, fx
        self.rng = rng
        self.source = fx.source
        self.hk_fair = profile.hk_price
        self.premium = profile.premium_mean
        self.jump = 0.0
        self.last_ns = 0

    def advance(self, now_ns: int) -> None:
        """Move the fair values on to ``now_ns`` (from the first call's time)."""
        dt = (now_ns - self.last_ns) / NS_PER_SECOND if self.last_ns else 0.0
        self.last_ns = max(now_ns, self.last_ns)
        if dt > 0.0:
            self.step(dt)

    def step(self, dt: float) -> None:
        o, p, g = self.o, self.p, self.rng.gauss
        self.hk_fair *= math.exp(o.price_volatility_per_second * math.sqrt(dt) * g(0, 1))
        decay = math.exp(-math.log(2) / p.premium_half_life_seconds * dt)
        noise = p.premium_volatility * math.sqrt(1 - decay * decay)
        mean = p.premium_mean
        self.premium = mean + (self.premium - mean) * decay + noise * g(0, 1)
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
        size = float(self.rng.randint(1, 10) * (self.p.lot if quote.instrument == self.hk else 50))
        return Trade(quote.instrument, price, size, quote.ts_event, quote.ts_recv, self.source)

    def _lots(self) -> float:
        return float(self.rng.randint(1, self.p.depth_lots) * self.p.lot)


class MarketModel:
    """Every simulated pair plus the shared FX rate; one update per call."""

    def __init__(
        self,
        options: SimulatorOptions,
        pairs: list[tuple[str, str, float]],
        fx_symbol: str,
        source: str,
        profiles: Sequence[PairProfile] | None = None,
    ) -> None:
        """``profiles`` (one per pair): without them the first pair starts at
        ``hk_start_price``, the others at a seeded level, all with the options' process."""
        self.o = options
        self.rng = random.Random(options.seed)
        self.fx = FxModel(fx_symbol, options.fx_start_mid, self.rng, source)
        if profiles is None:
            profiles = [
                PairProfile.from_options(
                    options,
                    options.hk_start_price if i == 0 else round(self.rng.uniform(20, 200), 1),
                )
                for i in range(len(pairs))
            ]
        self.pairs = [
            PairModel(options, us, hk, ratio, self.fx, self.rng, profile)
            for (us, hk, ratio), profile in zip(pairs, profiles, strict=True)
        ]
        self._activity = {p.us: p.p.activity for p in self.pairs} | {
            p.hk: p.p.activity for p in self.pairs
        }
        self._weighted = any(a != 1.0 for a in self._activity.values())
        self._choices: dict[frozenset[str], list[tuple[PairModel | None, str]]] = {}
        self.last_ns = 0

    def step(self, now_ns: int) -> None:
        """Advance the shared FX rate to ``now_ns`` (pairs move when drawn)."""
        dt = (now_ns - self.last_ns) / NS_PER_SECOND if self.last_ns else 0.0
        self.last_ns = max(now_ns, self.last_ns)
        if dt > 0.0:
            self.fx.step(dt)

    def opening_events(self, now_ns: int, open_: Set[str]) -> list[Event]:
        """One quote of every open instrument: the snapshot a real feed sends on subscribe."""
        self.step(now_ns)
        for pair in self.pairs:
            pair.advance(now_ns)
        events: list[Event] = []
        if self.fx.symbol in open_:
            events.append(self.fx.quote(now_ns))
        for pair in self.pairs:
            if pair.us in open_:
                events.append(pair.us_quote(now_ns))
            if pair.hk in open_:
                events.append(pair.hk_quote(now_ns))
        return events

    def next_events(self, now_ns: int, open_: Set[str]) -> list[Event]:
        """Advance to ``now_ns`` and produce the next update of one open instrument."""
        self.step(now_ns)
        choices = self._open_choices(open_)
        if not choices:
            return []
        owner, symbol = self._pick(choices)
        events: list[Event] = []
        if owner is None:
            events.append(self.fx.quote(now_ns))
        else:
            owner.advance(now_ns)
            quote = owner.hk_quote(now_ns) if symbol == owner.hk else owner.us_quote(now_ns)
            events.append(quote)
            if self.rng.random() < owner.p.trade_probability:
                events.append(owner.trade_from(quote))
        if self.o.fault_probability and self.rng.random() < self.o.fault_probability:
            events[0] = self.broken(events[0])
        return events

    def _open_choices(self, open_: Set[str]) -> list[tuple[PairModel | None, str]]:
        """The (pair, instrument) draws among ``open_`` (FX: no pair), per set of open ones."""
        key = open_ if isinstance(open_, frozenset) else frozenset(open_)
        choices = self._choices.get(key)
        if choices is None:
            if len(self._choices) > 64:
                self._choices.clear()
            every: list[tuple[PairModel | None, str]] = [(None, self.fx.symbol)]
            for pair in self.pairs:
                every += [(pair, pair.us), (pair, pair.hk)]
            choices = self._choices[key] = [c for c in every if c[1] in key]
        return choices

    def _pick(self, choices: list[tuple[PairModel | None, str]]) -> tuple[PairModel | None, str]:
        if not self._weighted:
            return self.rng.choice(choices)
        weights = [self._activity.get(symbol, 1.0) for _, symbol in choices]
        return self.rng.choices(choices, weights)[0]

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
