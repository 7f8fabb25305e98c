"""Rate limits as pure, clock-agnostic objects: a token bucket and a sliding window.

Times are monotonic seconds supplied by the caller. ``delay(now)`` says how long to wait
before the next send is allowed; ``record(now)`` books one send.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Protocol


class Limit(Protocol):
    def delay(self, now: float) -> float: ...

    def record(self, now: float) -> None: ...


class TokenBucket:
    """``rate`` sends per second on average, bursts of up to ``capacity``."""

    def __init__(self, rate: float, capacity: float = 1.0) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be > 0 and capacity >= 1")
        self.rate = rate
        self.capacity = capacity
        self._tokens = capacity
        self._at: float | None = None

    def _refill(self, now: float) -> None:
        if self._at is not None and now > self._at:
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
        if self._at is None or now > self._at:
            self._at = now

    def delay(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def record(self, now: float) -> None:
        self._refill(now)
        self._tokens -= 1.0

    def __repr__(self) -> str:
        return f"TokenBucket(rate={self.rate}, capacity={self.capacity})"


class SlidingWindow:
    """At most ``limit`` sends in any ``window`` seconds (exact, unlike a bucket)."""

    def __init__(self, limit: int, window: float) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self._sent: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()

    def delay(self, now: float) -> float:
        self._expire(now)
        if len(self._sent) < self.limit:
            return 0.0
        return self._sent[0] + self.window - now

    def record(self, now: float) -> None:
        self._expire(now)
        self._sent.append(now)

    def __repr__(self) -> str:
        return f"SlidingWindow(limit={self.limit}, window={self.window})"


def combined_delay(limits: Iterable[Limit], now: float) -> float:
    """The longest wait any of ``limits`` imposes."""
    return max((lim.delay(now) for lim in limits), default=0.0)


def record_all(limits: Iterable[Limit], now: float) -> None:
    for lim in limits:
        lim.record(now)
