"""The engine's inline common case leaves exactly the state the exact path leaves.

Two engines see the same sequence of events; one through ``on_event`` (the inline common
case where it applies), the other through the exact path alone (``_apply``). After every
event the verdicts, counters and every source's state must be identical.
"""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core import engine as engine_module
from monitor.core.engine import Engine
from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.core.sessions import SessionCalendar
from monitor.core.state import SourceState
from tests.support.builders import T0, S, pony_pair

GOOD = {
    "PONY": [15.20, 15.22, 15.30],
    "2026.HK": [118.4, 118.5, 118.45, 118.43],  # 118.43 is off the HKEX grid
    "USDHKD": [7.78, 7.79],
}
BAD = {"PONY": [math.nan, math.inf, -1.0, 0.0], "2026.HK": [math.nan, 0.0], "USDHKD": [7.6999]}
SIZES = [100.0] * 20 + [1e6, 0.0, -1.0, math.nan, math.inf]
STEPS = [1, 1, S, 0, -1, -S, 10 * S]  # in order, repeated, out of order, far ahead


def price(rng: random.Random, symbol: str) -> float:
    """Mostly good prices (the inline case), sometimes bad ones (the exact path)."""
    return rng.choice(GOOD[symbol] if rng.random() < 0.9 else BAD[symbol])


@st.composite
def events(draw: st.DrawFn) -> list[Event]:
    rng = draw(st.randoms(use_true_random=True))
    out: list[Event] = []
    t, symbol, source = T0, "PONY", "a"
    for _ in range(draw(st.integers(1, 40))):
        if rng.random() < 0.3:  # else: the same line and source again
            symbol, source = rng.choice(sorted(GOOD)), rng.choice(["a", "b"])
        t += rng.choice(STEPS)
        recv = t - (30 * S if rng.random() < 0.05 else 0)  # a clock behind: future skew
        bid, ask = sorted((price(rng, symbol), price(rng, symbol)))
        if rng.random() < 0.05:
            bid, ask = ask, bid  # crossed
        if symbol == "USDHKD":
            out.append(FxQuote(symbol, bid, ask, t, recv, source))
        elif rng.random() < 0.2:
            out.append(Trade(symbol, bid, rng.choice(SIZES), t, recv, source))
        else:
            bid_size, ask_size = rng.choice(SIZES), rng.choice(SIZES)
            out.append(Quote(symbol, bid, bid_size, ask, ask_size, t, recv, source))
    return out


def source_state(src: SourceState) -> dict[str, object]:
    """Every field of ``src`` (read through ``dir``: a compiled class has no ``__slots__``)."""
    fields = [name for name in dir(src) if not name.startswith("_")]
    return {name: repr(value) for name in fields if not callable(value := getattr(src, name))}


def state(engine: Engine) -> dict[str, object]:
    return {
        "rejects": dict(engine.rejects),
        "flags": dict(engine.flags),
        "accepted": engine.accepted_total,
        "instruments": {
            symbol: (
                None if inst.active is None else inst.active.source,
                {name: source_state(src) for name, src in inst.sources.items()},
            )
            for symbol, inst in engine.instruments.items()
        },
    }


def engine() -> Engine:
    calendar = SessionCalendar("always_open")
    return Engine([pony_pair()], calendar, priorities={"a": 10, "b": 5}, analytics=None)


@settings(max_examples=300, deadline=None)
@given(events())
def test_the_inline_case_and_the_exact_path_leave_the_same_state(sequence: list[Event]) -> None:
    inline, exact = engine(), engine()
    for event in sequence:
        copy = type(event)(**{k: getattr(event, k) for k in type(event).__slots__})
        legs = exact._legs
        assert inline.on_event(event) is exact._apply(legs.get(copy.instrument), copy)
        assert state(inline) == state(exact)


@pytest.mark.skipif(
    not engine_module.__file__.endswith(".py"),
    reason="a compiled Engine's methods cannot be replaced (the test above covers the result)",
)
def test_a_repeated_quote_takes_the_inline_case() -> None:
    inline = engine()
    quote = Quote("PONY", 15.20, 100, 15.22, 100, T0, T0, "a")
    assert inline.on_event(quote)
    inline._apply = None  # type: ignore[assignment,method-assign]  # must not be needed now
    assert inline.on_event(Quote("PONY", 15.21, 100, 15.23, 200, T0 + S, T0 + S, "a"))
    src = inline.instruments["PONY"].sources["a"]
    assert (src.bid, src.ask, src.ask_size, src.mid) == (15.21, 15.23, 200, (15.21 + 15.23) / 2)
    assert (src.quote_ts, src.ts_event, src.ts_recv) == (T0 + S, T0 + S, T0 + S)
    assert inline.accepted_total == 2
