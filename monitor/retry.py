"""The one backoff of dlmon: capped exponential delays with jitter (feeds, tasks, notify).

The n-th delay since the last reset is drawn from
``[ceiling * (1 - jitter), ceiling]`` with ``ceiling = min(cap, initial * 2**n)``:
``jitter=1`` is "full jitter" (anywhere from 0 to the ceiling, what reconnecting clients
should use so that many of them do not come back in step), ``jitter=0.5`` "equal jitter".
A run that lasted ``healthy_after`` seconds (see :meth:`Backoff.running`) starts the
delays over; with ``decay_every`` each such span of a run also takes one doubling back, so
a connection that flaps (up a few seconds, down, up again) stays near the initial delay
instead of climbing to the cap. :meth:`Backoff.next_delay` takes a lower ``cap`` for one
call (a feed whose venue is in session retries sooner). Random source and clock are
injectable, so tests need no wall-clock gaps.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

Random = Callable[[], float]
"""A source of uniform numbers in ``[0, 1)`` (``random.random`` or ``Random(seed).random``)."""

Monotonic = Callable[[], float]
"""Monotonic seconds (``time.monotonic`` in production)."""


class Backoff:
    """Capped exponential backoff with jitter; see the module docstring."""

    __slots__ = (
        "_attempt",
        "_cap",
        "_clock",
        "_decay_every",
        "_healthy_after",
        "_initial",
        "_jitter",
        "_rng",
        "_since",
    )

    def __init__(
        self,
        initial: float,
        cap: float,
        *,
        jitter: float = 1.0,
        healthy_after: float = math.inf,
        decay_every: float = math.inf,
        rng: Random = random.random,
        clock: Monotonic = time.monotonic,
    ) -> None:
        if not 0 < initial <= cap:
            raise ValueError("need 0 < initial <= cap")
        if not 0 <= jitter <= 1:
            raise ValueError("jitter must be within 0..1")
        if not decay_every > 0:
            raise ValueError("decay_every must be > 0")
        self._initial = initial
        self._cap = cap
        self._jitter = jitter
        self._healthy_after = healthy_after
        self._decay_every = decay_every
        self._rng = rng
        self._clock = clock
        self._attempt = 0
        self._since: float | None = None

    @property
    def attempt(self) -> int:
        """Delays handed out since the last reset."""
        return self._attempt

    def running(self) -> None:
        """Note that a run started now; if it lasts ``healthy_after``, delays start over."""
        self._since = self._clock()

    def next_delay(self, cap: float | None = None) -> float:
        """Return the next delay in seconds and advance the attempt counter.

        ``cap`` lowers the ceiling for this call only (never below the initial delay).
        """
        since, self._since = self._since, None
        if since is not None:
            self._forgive(self._clock() - since)
        limit = self._cap if cap is None else max(min(cap, self._cap), self._initial)
        ceiling = min(limit, self._initial * 2.0 ** min(self._attempt, 62))
        self._attempt += 1
        return ceiling * (1.0 - self._jitter + self._jitter * self._rng())

    def _forgive(self, ran: float) -> None:
        if ran >= self._healthy_after:
            self._attempt = 0
        elif ran >= self._decay_every:
            self._attempt = max(0, self._attempt - int(ran // self._decay_every))

    def reset(self) -> None:
        """Start again from the initial delay."""
        self._attempt = 0
        self._since = None


__all__ = ["Backoff", "Monotonic", "Random"]
