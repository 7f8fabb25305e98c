"""Every view of a snapshot has all its fields: the read side makes its named tuples from
their fields in order (``tuple.__new__``, no defaults filled in), so a field added to a
view type and not to its builder would leave the views short without this check."""

from __future__ import annotations

from typing import Any

from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote, Trade
from monitor.core.sessions import SessionCalendar
from tests.support.builders import T0, S, pony_pair


def named_tuples(value: Any) -> list[tuple[Any, ...]]:
    """Every named tuple in ``value``, nested ones included."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, tuple):
        if hasattr(value, "_fields"):
            found.append(value)
        for item in value:
            found += named_tuples(item)
    return found


def test_every_view_of_a_snapshot_has_all_its_fields() -> None:
    for mode in ("always_open", "exchange"):
        engine = Engine([pony_pair()], SessionCalendar(mode))
        for second in range(0, 400, 7):
            t = T0 + second * S
            engine.on_event(Quote("PONY", 15.20, 300, 15.22, 500, t, t, "a"))
            engine.on_event(Quote("2026.HK", 118.4, 1000, 118.5, 2000, t, t, "a"))
            engine.on_event(FxQuote("USDHKD", 7.7810, 7.7814, t, t, "a"))
            engine.on_event(Trade("PONY", 15.21, 100, t, t, "a"))
            engine.advance(t + S)
        views = named_tuples(tuple(engine.snapshot(T0 + 401 * S).pairs))
        kinds = {type(view).__name__ for view in views}
        assert {"PairView", "LegView", "PairAnalytics", "PremiumWindow", "TradeCost"} <= kinds
        for view in views:
            assert len(view) == len(view._fields), type(view).__name__
