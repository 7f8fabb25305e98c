"""The Polygon parser's inline common quote gives what the exact checks give, element by
element: the same events, and a rejection (or an unknown symbol) for the same elements."""

from __future__ import annotations

import json
import math
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.feeds.polygon.parse import PolygonParser
from monitor.feeds.units import QuoteSizes
from monitor.feeds.wire import Parsed

TS_RECV = 1_795_208_400_000_000_000
T_MS = 1_795_208_399_123

ODD = [None, True, False, "15.2", "x", [], {}, math.nan, math.inf, 10**400, -1, 0]
field_value = {
    "bp": st.sampled_from([15.2, 15.21, 0.0, 15, *ODD]),
    "ap": st.sampled_from([15.22, 15.3, 15, *ODD]),
    "bs": st.sampled_from([3, 0, 1.5, 10**20, *ODD]),
    "as": st.sampled_from([4, 200, 2.0, *ODD]),
    "t": st.sampled_from([T_MS, T_MS // 1000, T_MS * 1000, 10**11, 10**14, float(T_MS), *ODD]),
    "sym": st.sampled_from(["PONY", "NOPE", *ODD]),
    "ev": st.sampled_from(["Q", "Q", "T", "status", *ODD]),
}
common = {"ev": "Q", "sym": "PONY", "bp": 15.2, "ap": 15.22, "bs": 3, "as": 4, "t": T_MS}


@st.composite
def element(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([1, "Q", None, [common]]))
    item = dict(common)
    for name in draw(st.sets(st.sampled_from(sorted(field_value)), max_size=3)):
        if draw(st.booleans()):
            item[name] = draw(field_value[name])
        else:
            del item[name]
    return item


def exact(parser: PolygonParser, items: list[Any]) -> Parsed:
    """Every element through the exact checks alone (no inline case)."""
    parsed = Parsed()
    for item in items:
        try:
            parser._item(item, TS_RECV, parsed)
        except Exception as exc:
            parsed.reject(exc)
    return parsed


def same(a: Any, b: Any) -> bool:
    return a == b or (a != a and b != b)  # NaN sizes are the same NaN


@settings(max_examples=300, deadline=None)
@given(st.lists(element(), max_size=12), st.sampled_from(["auto", "shares", "round_lots"]))
def test_the_inline_quote_matches_the_exact_checks(items: list[Any], unit: Any) -> None:
    parser = PolygonParser({"PONY": "PONY"}, QuoteSizes(unit))
    frame = json.dumps(items)  # NaN, Infinity and huge integers, as a lenient sender writes

    fast, slow = parser(frame, TS_RECV), exact(parser, json.loads(frame))

    assert len(fast.events) == len(slow.events)
    for got, want in zip(fast.events, slow.events, strict=True):
        assert all(same(getattr(got, k), getattr(want, k)) for k in type(got).__slots__)
    assert len(fast.errors) == len(slow.errors)
    assert fast.unknown_symbols == slow.unknown_symbols


def test_a_legacy_quote_is_sized_in_round_lots() -> None:
    parser = PolygonParser({"PONY": "PONY"})
    old = {**common, "t": 1_700_000_000_000}  # 2023: round lots of 100
    (quote,) = parser(orjson.dumps([old]), TS_RECV).events
    assert (quote.bid_size, quote.ask_size) == (300.0, 400.0)
