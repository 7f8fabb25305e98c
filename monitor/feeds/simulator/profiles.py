"""Each simulated pair's :class:`PairProfile`, from the config, the catalogue and the seed.

Order of precedence for a field: ``pairs.<name>`` in the simulator options, then the
catalogue (price level ``hk_ref_price``; board lot from the resolved pair), then a value
drawn from ``Random(f"{seed}:{pair}")`` (so a pair's character does not change when other
pairs are added), then the feed-wide options. The first pair keeps the single-pair
behaviour: the feed-wide premium process, and ``hk_start_price`` when that is set (or the
catalogue has no level for it).
"""

from __future__ import annotations

import random

from monitor.core.catalogue import catalogue
from monitor.core.instruments import Pair
from monitor.feeds.simulator.config import SimulatedPair, SimulatorOptions
from monitor.feeds.simulator.model import PairProfile


def pair_profile(options: SimulatorOptions, pair: Pair, first: bool) -> PairProfile:
    """The profile of ``pair`` (``first``: the first pair the feed serves)."""
    own = options.pairs.get(pair.name, SimulatedPair())
    rng = random.Random(f"{options.seed}:{pair.name}")
    listed = catalogue().get(pair.name)
    level = listed.hk_ref_price if listed is not None and listed.hk == pair.hk.symbol else None
    if own.hk_price is not None:
        price = own.hk_price
    elif first and ("hk_start_price" in options.model_fields_set or level is None):
        price = options.hk_start_price
    elif level is not None:
        price = level
    else:
        price = round(rng.uniform(20, 200), 1)
    drawn_mean = options.premium_mean + rng.gauss(0, options.pair_premium_spread)
    drawn_half_life = options.premium_half_life_seconds * rng.uniform(0.5, 2.0)
    return PairProfile(
        hk_price=price,
        lot=pair.hk.lot_size,
        premium_mean=_pick(own.premium_mean, options.premium_mean, drawn_mean, first),
        premium_volatility=_pick(own.premium_volatility, options.premium_volatility),
        premium_half_life_seconds=_pick(
            own.premium_half_life_seconds, options.premium_half_life_seconds, drawn_half_life, first
        ),
        trade_probability=_pick(own.trade_probability, options.trade_probability),
        depth_lots=own.depth_lots or 40,
        activity=own.activity,
    )


def _pick(own: float | None, feed: float, drawn: float | None = None, first: bool = True) -> float:
    if own is not None:
        return own
    return feed if first or drawn is None else max(-0.5, min(0.5, drawn))
