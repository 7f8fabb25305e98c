"""Hypothesis strategies for batched frames: valid elements with junk interleaved.

``mixed(valid, broken)`` draws a list of ``(is_valid, element)``; junk is either any JSON
value (nested, huge integers, NaN) or a valid element with one field replaced by a value
that no parser may accept for it (``broken`` names those fields).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

T0_MS = 1_795_208_398_000

NOT_A_NUMBER: tuple[Any, ...] = (None, True, False, [], {}, [1.5], {"v": 1}, "abc", "", "1.2.3")
NOT_A_SYMBOL: tuple[Any, ...] = (None, True, 12, [], ["PONY"], {"PONY": 1}, "NOPE", "")
NOT_A_TIME: tuple[Any, ...] = (*NOT_A_NUMBER, "9" * 5000, "1" * 4301)

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
any_json = st.recursive(
    json_leaf,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)

prices = st.floats(min_value=0.01, max_value=10_000, allow_nan=False).map(lambda p: round(p, 4))
lots = st.integers(min_value=0, max_value=100_000)
times_ms = st.integers(min_value=T0_MS, max_value=T0_MS + 86_400_000)


def broken_copy(valid: st.SearchStrategy[dict[str, Any]], fields: dict[str, Sequence[Any]]) -> Any:
    """A valid element with one of ``fields`` replaced by one of its forbidden values."""
    names = sorted(fields)

    @st.composite
    def draw(draw_: st.DrawFn) -> dict[str, Any]:
        element = dict(draw_(valid))
        name = draw_(st.sampled_from(names))
        element[name] = draw_(st.sampled_from(list(fields[name])))
        return element

    return draw()


Kind = tuple[st.SearchStrategy[dict[str, Any]], dict[str, Sequence[Any]]]


def mixed(*kinds: Kind) -> st.SearchStrategy[list[tuple[bool, Any]]]:
    """Frames of valid elements with junk interleaved (at least one of each).

    Each kind is a strategy of valid elements and, per field, values that break it.
    """
    valid = st.one_of(*(strategy for strategy, _ in kinds))
    junk = st.one_of(any_json, *(broken_copy(strategy, broken) for strategy, broken in kinds))
    element = st.one_of(valid.map(lambda v: (True, v)), junk.map(lambda j: (False, j)))
    return st.lists(element, min_size=1, max_size=12).filter(
        lambda items: any(ok for ok, _ in items) and not all(ok for ok, _ in items)
    )


def encode(value: Any) -> bytes:
    """JSON as a sender might write it (huge integers and NaN included)."""
    return json.dumps(value, allow_nan=True).encode()


def valid_part(items: list[tuple[bool, Any]]) -> list[Any]:
    return [element for ok, element in items if ok]


def whole(items: list[tuple[bool, Any]]) -> list[Any]:
    return [element for _, element in items]


__all__ = [
    "NOT_A_NUMBER",
    "NOT_A_SYMBOL",
    "NOT_A_TIME",
    "T0_MS",
    "any_json",
    "encode",
    "lots",
    "mixed",
    "prices",
    "times_ms",
    "valid_part",
    "whole",
]
