"""How the read side builds its views (named tuples): ``make_view(View, fields)``, with
``finite`` for each number a view shows (None where it is NaN or infinite)."""

from __future__ import annotations

from typing import Final

make_view: Final = tuple.__new__
"""Makes a view (a named tuple) from all its fields in order, defaults included: the read
side builds some fifty per pair and second, and calling the class costs three times as
much (its generated ``__new__`` is a Python function; the tuples are the same). Final, so
that the compiled core holds it in a C variable instead of looking it up per view.
``tests/unit/core/test_views_complete.py`` checks that no view is left short."""


def finite(value: float) -> float | None:
    """``value``, or None where it is not finite (the views show no NaN or infinity)."""
    return value if value - value == 0.0 else None  # math.isfinite, without a call
