"""Sliding-window accumulators updated in O(1) per run of equal values.

A window's samples enter at its head and leave at its tail in the same order. Runs of
``k`` equal samples (a price in force for ``k`` seconds) are added and removed in one
step with the pairwise update of Chan, Golub and LeVeque (a Welford update for a group),
so a quiet stretch costs as much as one sample. Reads are O(1).

Flatness is decided exactly by :class:`RunLength` (every sample of the window belongs to
the latest run of equal values), so a constant window has a standard deviation of
exactly 0 and no AR(1) fit, whatever rounding the running moments carry. An empty window
resets its moments to 0, which drops any rounding left by earlier samples.
"""

from __future__ import annotations

import math
from typing import Final, NamedTuple

from monitor.core.tuple_view import make_view

Z_95: Final = 1.959963984540054


class RunLength:
    """How many samples have entered since the value last changed (shared by every window
    over the same series): a window of ``n`` samples is flat iff ``n <= run``."""

    __slots__ = ("last", "run")

    def __init__(self) -> None:
        self.last = float("nan")
        self.run = 0

    def push(self, value: float, k: int) -> None:
        if value == self.last:
            self.run += k
        else:
            self.last, self.run = value, k

    def flat(self, n: int) -> bool:
        return 0 < n <= self.run

    def clear(self) -> None:
        self.last, self.run = float("nan"), 0


class Moments:
    """Count, mean, sum of squared deviations and count of positive samples of a window."""

    __slots__ = ("m2", "mean", "n", "positive")

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.positive = 0

    def add(self, value: float, k: int) -> None:
        """Add ``k`` samples equal to ``value``."""
        n = self.n
        total = n + k
        delta = value - self.mean
        self.mean += delta * k / total
        self.m2 += delta * delta * n * k / total
        self.n = total
        if value > 0.0:
            self.positive += k

    def remove(self, value: float, k: int) -> None:
        """Remove ``k`` samples equal to ``value`` (the oldest of the window)."""
        total = self.n - k
        if value > 0.0:
            self.positive -= k
        if total <= 0:
            self.reset()
            return
        delta = value - self.mean
        self.m2 = max(self.m2 - delta * delta * self.n * k / total, 0.0)
        self.mean -= delta * k / total
        self.n = total

    def reset(self) -> None:
        self.n = self.positive = 0
        self.mean = self.m2 = 0.0

    def stddev(self, flat: bool) -> float | None:
        """Sample standard deviation (ddof 1); exactly 0 for a ``flat`` window."""
        if self.n < 2:
            return None
        if flat:
            return 0.0
        return math.sqrt(self.m2 / (self.n - 1))

    def read(self, run: RunLength, now: float | None) -> tuple[float, float | None, float | None]:
        """The mean, :meth:`stddev` (flat as ``run`` says) and :func:`zscore` of ``now``,
        in one call: the read side takes them for every window and basis each second."""
        n, mean = self.n, self.mean
        if n < 2:
            return mean, None, None
        if n <= run.run:  # RunLength.flat: every sample belongs to the latest run
            return mean, 0.0, None
        std = math.sqrt(self.m2 / (n - 1))
        if now is None or not std:
            return mean, std, None
        return mean, std, (now - mean) / std


class Ar1Sums:
    """Co-moments of consecutive pairs ``(x[t-1], x[t])`` of a window, for an AR(1) fit."""

    __slots__ = ("cc", "cp", "mc", "mp", "n", "pp")

    def __init__(self) -> None:
        self.n = 0
        self.mp = self.mc = self.pp = self.cc = self.cp = 0.0

    def add(self, prev: float, curr: float, k: int) -> None:
        """Add ``k`` pairs equal to ``(prev, curr)``."""
        n = self.n
        total = n + k
        dp, dc = prev - self.mp, curr - self.mc
        f = n * k / total
        self.pp += dp * dp * f
        self.cc += dc * dc * f
        self.cp += dp * dc * f
        self.mp += dp * k / total
        self.mc += dc * k / total
        self.n = total

    def remove(self, prev: float, curr: float, k: int) -> None:
        """Remove ``k`` pairs equal to ``(prev, curr)`` (the oldest of the window)."""
        total = self.n - k
        if total <= 0:
            self.reset()
            return
        dp, dc = prev - self.mp, curr - self.mc
        f = self.n * k / total
        self.pp = max(self.pp - dp * dp * f, 0.0)
        self.cc = max(self.cc - dc * dc * f, 0.0)
        self.cp -= dp * dc * f
        self.mp -= dp * k / total
        self.mc -= dc * k / total
        self.n = total

    def reset(self) -> None:
        self.n = 0
        self.mp = self.mc = self.pp = self.cc = self.cp = 0.0

    def fit(self, min_samples: int, flat_prev: bool) -> Ar1Fit | None:
        """OLS fit of ``x[t] = a + phi x[t-1] + e``; None if too few pairs or if every
        ``x[t-1]`` is the same (``flat_prev``)."""
        n = self.n
        if n < max(min_samples, 3) or flat_prev or self.pp <= 0.0:
            return None
        phi = self.cp / self.pp
        rss = max(self.cc - phi * self.cp, 0.0)
        stderr = math.sqrt(rss / (n - 2) / self.pp)
        low, high = phi - Z_95 * stderr, phi + Z_95 * stderr
        return make_view(Ar1Fit, (n, phi, stderr, half_life(phi), half_life(low), half_life(high)))


class Total:
    """A sum over a window, its number of terms and of non-zero terms; a sum left with
    only zero terms is exactly 0 (no rounding left by the terms that went)."""

    __slots__ = ("n", "nonzero", "sum")

    def __init__(self) -> None:
        self.n = self.nonzero = 0
        self.sum = 0.0

    def add(self, value: float, k: int = 1) -> None:
        self.sum += value * k
        self.n += k
        if value != 0.0:
            self.nonzero += k

    def remove(self, value: float, k: int = 1) -> None:
        self.n -= k
        if value != 0.0:
            self.nonzero -= k
        if self.nonzero <= 0 or self.n <= 0:
            self.sum = 0.0
            self.nonzero = max(self.nonzero, 0)
            self.n = max(self.n, 0)
        else:
            self.sum -= value * k

    def reset(self) -> None:
        self.n = self.nonzero = 0
        self.sum = 0.0

    def mean(self) -> float | None:
        return self.sum / self.n if self.n else None


class Ar1Fit(NamedTuple):
    """OLS fit of ``x[t] = a + phi * x[t-1] + e`` on one-second steps, with a 95 % interval.

    The half-life of a deviation is ``-ln 2 / ln phi`` seconds for ``0 < phi < 1``; it is
    0 when ``phi <= 0`` (gone within a step) and ``None`` (no mean reversion) when
    ``phi >= 1``. The interval maps ``phi -/+ 1.96 * stderr`` through the same formula.
    """

    samples: int
    coefficient: float
    stderr: float
    half_life: float | None
    half_life_low: float | None
    half_life_high: float | None


def half_life(phi: float) -> float | None:
    """Half-life in steps of an AR(1) with coefficient ``phi`` (see :class:`Ar1Fit`)."""
    if phi - phi != 0.0 or phi >= 1.0:  # not finite (math.isfinite is a call when compiled)
        return None
    if phi <= 0.0:
        return 0.0
    return -math.log(2.0) / math.log(phi)


def zscore(current: float | None, mean: float | None, stddev: float | None) -> float | None:
    """``(current - mean) / stddev``; None when undefined (no value, flat window)."""
    if current is None or mean is None or not stddev:
        return None
    return (current - mean) / stddev


__all__ = ["Ar1Fit", "Ar1Sums", "Moments", "RunLength", "Total", "half_life", "zscore"]
