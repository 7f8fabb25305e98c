"""Rolling windows of the analytics, folded forward once a second (O(1) per second).

The writer stores per-second samples in rings (:mod:`monitor.core.series`); once a
second :meth:`PairWindows.fold` and :meth:`LegWindows.fold` move every window to end at
the latest complete second ``E``: the seconds that entered are added at the window's
head, the seconds that left are removed at its tail, both as runs of equal values (a
value in force for ``k`` seconds costs one update). Reading a window is then O(1).

Each second's value is the ring's latest entry at or before it (carried forward), blank
(NaN) in a minute in which the series' venues do not trade. A window covers the ``W``
complete seconds ``E - W + 1 .. E``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Final

from monitor.core.rolling import Ar1Fit, Ar1Sums, Moments, RunLength, Total
from monitor.core.series import LastRing, SumRing

NAN: Final = float("nan")
TradingMinute = Callable[[int], bool]
"""Whether the series' venues trade in an epoch minute (None: always)."""
Run = tuple[int, int, int]  # first second, last second, ring entry in force (-1: none)
UNKNOWN: Final = -2  # a cursor's entry not looked up yet (it moved through never-folded seconds)


class Cursor:
    """A position on a :class:`LastRing` timeline: a second and the entry in force there."""

    __slots__ = ("ring", "second", "seq")

    def __init__(self, ring: LastRing, second: int) -> None:
        self.ring = ring
        self.second = second
        self.seq = ring.seq_at(second)

    def runs(self, to: int) -> Iterator[Run]:
        """The runs of seconds ``second + 1 .. to`` with the entry in force; moves there."""
        ring = self.ring
        s, seq = self.second, self.seq
        if seq == UNKNOWN:
            seq = ring.seq_at(s)
        total = ring.total
        while s < to:
            nxt = seq + 1
            boundary = ring.second_at(nxt) if nxt < total else to + 1
            if boundary <= s + 1:
                seq = nxt
                continue
            end = boundary - 1 if boundary <= to else to
            self.second, self.seq = end, seq
            yield s + 1, end, seq
            s = end


def segments(first: int, last: int, trading: TradingMinute | None) -> Iterator[tuple[int, int]]:
    """The parts of ``first .. last`` with the same trading flag, as ``(first, last)`` with
    a negative ``first`` marking a part that does not trade."""
    if trading is None:
        yield first, last
        return
    start = first
    flag = trading(first // 60)
    minute = first // 60 + 1
    end_minute = last // 60
    while minute <= end_minute:
        now = trading(minute)
        if now != flag:
            yield (start, minute * 60 - 1) if flag else (-start, minute * 60 - 1)
            start, flag = minute * 60, now
        minute += 1
    yield (start, last) if flag else (-start, last)


class _Series:
    """A ring's masked timeline read by one head and several tails."""

    __slots__ = ("origin", "ring", "trading")

    def __init__(self, ring: LastRing, trading: TradingMinute | None) -> None:
        self.ring = ring
        self.trading = trading
        self.origin = -1  # seconds at or before it were never added (after a reset)

    def values(self, cursor: Cursor, to: int) -> list[Run]:
        """``(first, last, seq)`` pieces up to ``to``; ``seq`` -1 where blank."""
        second = cursor.second
        if to <= self.origin:  # never folded: move without reading
            if to > second:
                cursor.second, cursor.seq = to, UNKNOWN
            return []
        if to == second + 1 and cursor.seq != UNKNOWN:  # the common one-second step
            ring = self.ring
            seq = cursor.seq
            nxt = seq + 1
            if nxt < ring.total and ring.secs[nxt % len(ring.secs)] == to:
                seq = nxt
            cursor.second, cursor.seq = to, seq
            if seq < ring.total - len(ring.secs) or (
                self.trading is not None and not self.trading(to // 60)
            ):
                seq = -1
            return [(to, to, seq)]
        if to <= second:
            return []
        return list(self._pieces(cursor, to))

    def _pieces(self, cursor: Cursor, to: int) -> Iterator[Run]:
        origin = self.origin
        oldest = self.ring.first_seq
        for first, last, seq in cursor.runs(to):
            if last <= origin:
                continue
            if seq < oldest:  # before the stored entries (or none): unknown
                seq = -1
            first = max(first, origin + 1)
            for a, b in segments(first, last, self.trading):
                yield (a, b, seq) if a >= 0 else (-a, b, -1)

    def value_at(self, second: int, field: int) -> float:
        """The (masked) value of ``field`` at ``second``."""
        if self.trading is not None and not self.trading(second // 60):
            return NAN
        seq = self.ring.seq_at(second)
        return NAN if seq < 0 else self.ring.value_at(field, seq)


class _Folded:
    """What both kinds of windows share: the masked series they read, the head that adds
    the seconds entering, and the fold to a new last second (from the start again after
    a gap longer than the horizon)."""

    __slots__ = ("end", "head", "head_prev", "horizon", "series", "windows")

    def __init__(
        self, ring: LastRing, trading: TradingMinute | None, windows: tuple[int, ...], horizon: int
    ) -> None:
        self.series = _Series(ring, trading)
        self.windows = windows
        self.horizon = horizon
        self.end = -1  # the last complete second folded in
        self.head = Cursor(ring, -1)
        self.head_prev = NAN  # the series' first field at the head second

    def fold(self, end: int) -> None:
        """Move every window to end at second ``end``."""
        if end <= self.end:
            return
        if self.end < 0 or end - self.end > self.horizon:
            self._reset(end)
        self._fold(self.end, end)
        self.end = end

    def _reset(self, end: int) -> None:
        """Start again: nothing folded, the head at the origin (the horizon's start, or
        where the data starts); the subclass resets its own state with ``_restart``."""
        series = self.series
        start = _origin(end - self.horizon, end, series.ring, *self._other_rings())
        series.origin = start
        self.head = Cursor(series.ring, start)
        self.head_prev = NAN  # as every tail's: the second before the origin is not used
        self._restart(start)
        self.end = start

    def _other_rings(self) -> tuple[SumRing, ...]:
        return ()

    def _fold(self, start: int, end: int) -> None:
        raise NotImplementedError

    def _restart(self, start: int) -> None:
        raise NotImplementedError


class PairWindows(_Folded):
    """Mean, deviation and positive share of the three premium bases per window, and the
    AR(1) co-moments of the mid premium over the half-life window."""

    __slots__ = (
        "ar1",
        "ar1_seconds",
        "ar1_tail",
        "ar1_tail_prev",
        "moments",
        "prev_run",
        "runs",
        "tails",
    )

    def __init__(
        self,
        ring: LastRing,
        trading: TradingMinute | None,
        windows: tuple[int, ...],
        ar1_seconds: int,
    ) -> None:
        super().__init__(ring, trading, windows, max(max(windows), ar1_seconds) + 1)
        self.ar1_seconds = ar1_seconds
        self.tails = [Cursor(ring, -1) for _ in windows]
        self.moments = [tuple(Moments() for _ in range(3)) for _ in windows]
        self.runs = tuple(RunLength() for _ in range(3))  # per basis, for flatness
        self.prev_run = RunLength()  # of the AR(1) pairs' x[t-1]
        self.ar1 = Ar1Sums()
        self.ar1_tail = Cursor(ring, -1)
        self.ar1_tail_prev = NAN

    def _fold(self, start: int, end: int) -> None:
        self._fold_head(end)
        self._fold_tails(end)
        self._fold_ar1_tail(end - self.ar1_seconds)

    def _fold_head(self, end: int) -> None:
        ring = self.series.ring
        fields = ring.values
        size = len(ring.secs)
        prev = self.head_prev
        for first, last, seq in self.series.values(self.head, end):
            k = last - first + 1
            if seq < 0:
                prev = NAN
                continue
            idx = seq % size
            values = (fields[0][idx], fields[1][idx], fields[2][idx])
            for moments in self.moments:
                for m, v in zip(moments, values, strict=True):
                    if v == v:
                        m.add(v, k)
            for run, v in zip(self.runs, values, strict=True):
                if v == v:
                    run.push(v, k)
            v = values[0]
            if v == v:
                self._add_pairs(prev, v, k)
            prev = v
        self.head_prev = prev

    def _add_pairs(self, prev: float, v: float, k: int) -> None:
        """The AR(1) pairs of a run of ``k`` seconds at ``v`` after a second at ``prev``."""
        if prev == prev:
            self.ar1.add(prev, v, 1)
            self.prev_run.push(prev, 1)
        if k > 1:
            self.ar1.add(v, v, k - 1)
            self.prev_run.push(v, k - 1)

    def _fold_tails(self, end: int) -> None:
        ring = self.series.ring
        fields = ring.values
        size = len(ring.secs)
        for seconds, tail, moments in zip(self.windows, self.tails, self.moments, strict=True):
            for first, last, seq in self.series.values(tail, end - seconds):
                if seq < 0:
                    continue
                idx = seq % size
                for field, m in enumerate(moments):
                    v = fields[field][idx]
                    if v == v:
                        m.remove(v, last - first + 1)

    def _fold_ar1_tail(self, to: int) -> None:
        ring = self.series.ring
        prev = self.ar1_tail_prev
        for first, last, seq in self.series.values(self.ar1_tail, to):
            v = ring.value_at(0, seq) if seq >= 0 else NAN
            if v == v:
                if prev == prev:
                    self.ar1.remove(prev, v, 1)
                if last > first:
                    self.ar1.remove(v, v, last - first)
            prev = v
        self.ar1_tail_prev = prev

    def stddev(self, window: int, basis: int) -> float | None:
        """Sample deviation of ``basis`` over window number ``window`` (0 when flat)."""
        m = self.moments[window][basis]
        return m.stddev(self.runs[basis].flat(m.n))

    def ar1_fit(self, min_samples: int) -> Ar1Fit | None:
        return self.ar1.fit(min_samples, self.prev_run.flat(self.ar1.n))

    def _restart(self, start: int) -> None:
        ring = self.series.ring
        self.tails = [Cursor(ring, start - w) for w in self.windows]
        for moments in self.moments:
            for m in moments:
                m.reset()
        for run in (*self.runs, self.prev_run):
            run.clear()
        self.ar1.reset()
        self.ar1_tail = Cursor(ring, start - self.ar1_seconds)
        self.ar1_tail_prev = NAN


class LegWindows(_Folded):
    """Realized volatility, time-weighted spread, turnover and Amihud illiquidity of one
    line per window (mid and spread from a quotes ring, USD turnover from a trades ring)."""

    __slots__ = (
        "bucket",
        "bucket_start_mid",
        "bucket_turnover",
        "buckets",
        "trade_head",
        "trade_tails",
        "trades",
        "w_amihud",
        "w_first_bucket",
        "w_spread",
        "w_tail_prev",
        "w_tails",
        "w_turnover",
        "w_vol",
    )

    def __init__(
        self,
        quotes: LastRing,
        trades: SumRing,
        trading: TradingMinute | None,
        windows: tuple[int, ...],
        bucket: int,
    ) -> None:
        super().__init__(quotes, trading, windows, max(windows) + 1)
        self.trades = trades
        self.bucket = bucket
        self.trade_head = 0  # next trades entry to add
        n = len(windows)
        self.w_tails = [Cursor(quotes, -1) for _ in range(n)]
        self.w_tail_prev = [NAN] * n  # mid at each window's tail second (before its first)
        self.trade_tails = [0] * n  # next trades entry to remove, per window
        self.w_vol = [Total() for _ in range(n)]  # squared one-second log returns
        self.w_spread = [Total() for _ in range(n)]
        self.w_turnover = [Total() for _ in range(n)]  # USD per second with prints
        self.w_amihud = [Total() for _ in range(n)]  # ratios of the complete buckets
        self.w_first_bucket = [0] * n  # first complete bucket inside each window
        self.buckets: dict[int, float] = {}  # complete bucket -> |log return| / turnover
        self.bucket_start_mid = NAN  # mid at the second before the current bucket
        self.bucket_turnover = 0.0  # turnover of the current bucket's folded seconds

    # ------------------------------------------------------------------ write
    def _fold(self, start: int, end: int) -> None:
        self._fold_quotes(end)
        self._fold_trades(start, end)
        for i, seconds in enumerate(self.windows):
            self._fold_tail(i, end - seconds)

    def _fold_quotes(self, end: int) -> None:
        ring = self.series.ring
        mids, spreads = ring.values
        size = len(ring.secs)
        prev = self.head_prev
        for first, last, seq in self.series.values(self.head, end):
            k = last - first + 1
            if seq < 0:
                prev = NAN
                continue
            idx = seq % size
            mid, spread = mids[idx], spreads[idx]
            if mid == mid:
                r2 = _squared_return(prev, mid)
                for vol in self.w_vol:
                    if r2 == r2:
                        vol.add(r2)
                    if k > 1:
                        vol.add(0.0, k - 1)
            if spread == spread:
                for total in self.w_spread:
                    total.add(spread, k)
            prev = mid
        self.head_prev = prev

    def _fold_trades(self, start: int, end: int) -> None:
        trades = self.trades
        values = trades.values[0]
        size = len(trades.secs)
        bucket = self.bucket
        seq = max(self.trade_head, trades.first_seq)
        for second in self._bucket_ends(start, end):
            # Trades up to ``second`` (a bucket's last second or ``end``) enter.
            while seq < trades.total and trades.second_at(seq) <= second:
                value = values[seq % size]
                if trades.second_at(seq) > start:
                    self.bucket_turnover += value
                    for total in self.w_turnover:
                        total.add(value)
                seq += 1
            if (second + 1) % bucket == 0:
                self._close_bucket(second // bucket, second, end)
        self.trade_head = seq

    def _bucket_ends(self, start: int, end: int) -> Iterator[int]:
        """Each bucket's last second in ``start + 1 .. end``, then ``end``."""
        bucket = self.bucket
        second = (start // bucket + 1) * bucket - 1
        if second == start:
            second += bucket
        while second < end:
            yield second
            second += bucket
        yield end

    def _close_bucket(self, b: int, last: int, end: int) -> None:
        end_mid = self.head_prev if last == end else self.series.value_at(last, 0)
        ratio = NAN
        turnover = self.bucket_turnover
        if turnover > 0.0:
            ratio = abs(_log_return(self.bucket_start_mid, end_mid)) / turnover
        self.buckets[b] = ratio
        if ratio == ratio:
            first = b * self.bucket
            for i, seconds in enumerate(self.windows):
                if first >= last - seconds + 1:
                    self.w_amihud[i].add(ratio)
        self.bucket_start_mid = end_mid
        self.bucket_turnover = 0.0
        horizon_buckets = self.horizon // self.bucket + 2
        stale = b - horizon_buckets
        if stale in self.buckets:
            del self.buckets[stale]

    def _fold_tail(self, i: int, to: int) -> None:
        ring = self.series.ring
        mids, spreads = ring.values
        size = len(ring.secs)
        prev = self.w_tail_prev[i]
        vol, spread_total = self.w_vol[i], self.w_spread[i]
        for first, last, seq in self.series.values(self.w_tails[i], to):
            k = last - first + 1
            if seq < 0:
                prev = NAN
                continue
            idx = seq % size
            mid, spread = mids[idx], spreads[idx]
            if mid == mid:
                r2 = _squared_return(prev, mid)
                if r2 == r2:
                    vol.remove(r2)
                if k > 1:
                    vol.remove(0.0, k - 1)
            if spread == spread:
                spread_total.remove(spread, k)
            prev = mid
        self.w_tail_prev[i] = prev
        self._fold_trades_tail(i, to)
        if self.windows[i] >= self.bucket:  # else no complete bucket fits in the window
            self._fold_buckets_tail(i, to)

    def _fold_trades_tail(self, i: int, to: int) -> None:
        trades = self.trades
        seq = max(self.trade_tails[i], trades.first_seq)
        turnover = self.w_turnover[i]
        origin = self.series.origin
        while seq < trades.total and trades.second_at(seq) <= to:
            if trades.second_at(seq) > origin:
                turnover.remove(trades.value_at(0, seq))
            seq += 1
        self.trade_tails[i] = seq

    def _fold_buckets_tail(self, i: int, to: int) -> None:
        first_bucket = -(-(to + 1) // self.bucket)  # the first bucket starting in the window
        b = self.w_first_bucket[i]
        amihud = self.w_amihud[i]
        while b < first_bucket:
            ratio = self.buckets.get(b, NAN)
            if ratio == ratio:
                amihud.remove(ratio)
            b += 1
        self.w_first_bucket[i] = first_bucket

    def _other_rings(self) -> tuple[SumRing, ...]:
        return (self.trades,)

    def _restart(self, start: int) -> None:
        trades = self.trades
        self.w_tails = [Cursor(self.series.ring, start - w) for w in self.windows]
        self.w_tail_prev = [NAN] * len(self.windows)
        first = trades.first_seq
        after = trades.seq_at(start) + 1 if trades.total else 0
        self.trade_head = max(after, first)
        self.trade_tails = [self.trade_head] * len(self.windows)
        for group in (self.w_vol, self.w_spread, self.w_turnover, self.w_amihud):
            for total in group:
                total.reset()
        self.buckets.clear()
        b = start // self.bucket + 1  # buckets are counted from the first whole one
        self.w_first_bucket = [b] * len(self.windows)
        self.bucket_start_mid = NAN
        self.bucket_turnover = 0.0

    # ------------------------------------------------------------------ read
    def start_mid(self, i: int) -> float:
        """The mid in force when window ``i`` starts (the second before its first),
        whether or not the venue traded then (NaN if unknown)."""
        tail = self.w_tails[i]
        ring = self.series.ring
        seq = ring.seq_at(tail.second) if tail.seq == UNKNOWN else tail.seq
        size = len(ring.secs)
        if seq < 0 or seq < ring.total - size:  # none, or no longer stored (first_seq)
            return NAN
        return ring.values[0][seq % size]

    def realized_volatility(self, i: int) -> float | None:
        return self.read(i)[0]

    def amihud(self, i: int) -> float | None:
        """Mean ``|log return| / USD turnover`` over the bucket-aligned intervals of the
        window that had prints: its complete buckets and the current, partial one."""
        return self.read(i)[1]

    def time_weighted_spread(self, i: int) -> float | None:
        return self.read(i)[2]

    def turnover_usd(self, i: int) -> float:
        return self.read(i)[3]

    def read(self, i: int) -> tuple[float | None, float | None, float | None, float]:
        """Window ``i``'s realized volatility, Amihud illiquidity, time-weighted spread and
        USD turnover, in one call (the read side takes them all, once a second per line)."""
        vol, spread, turnover = self.w_vol[i], self.w_spread[i], self.w_turnover[i]
        volatility = None
        if vol.n:
            squares = vol.sum
            volatility = math.sqrt(0.0 if squares < 0.0 else squares)  # max(squares, 0.0)
        usd = 0.0
        if turnover.n:
            usd = turnover.sum
            usd = 0.0 if usd < 0.0 else usd  # max(sum, 0.0): a NaN sum stays NaN
        total = self.w_amihud[i]
        ratios, count = total.sum, total.n
        end, bucket = self.end, self.bucket
        if (end + 1) % bucket:  # the current bucket is partial: it counts too
            if end // bucket * bucket >= end - self.windows[i] + 1:
                start_mid, partial = self.bucket_start_mid, self.bucket_turnover
            else:  # the window lies inside the current bucket
                start_mid, partial = self.w_tail_prev[i], usd
            if partial > 0.0:
                ratio = abs(_log_return(start_mid, self.head_prev)) / partial
                if ratio == ratio:
                    ratios += ratio
                    count += 1
        return (
            volatility,
            ratios / count if count else None,
            spread.sum / spread.n if spread.n else None,
            usd,
        )


def _origin(start: int, end: int, *rings: LastRing | SumRing) -> int:
    """Where a reset starts folding: ``start``, or later when the data starts later (the
    second before the oldest stored entry), or ``end`` when there is none."""
    firsts = [ring.second_at(ring.first_seq) for ring in rings if ring.total]
    if not firsts:
        return end
    return max(start, min(min(firsts) - 1, end))


def _log_return(before: float, after: float) -> float:
    if before > 0.0 and after > 0.0:
        return math.log(after) - math.log(before)
    return NAN


def _squared_return(before: float, after: float) -> float:
    r = _log_return(before, after)
    return r * r


__all__ = ["Cursor", "LegWindows", "PairWindows", "segments"]
