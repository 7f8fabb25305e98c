"""The status page's live data: one status message a second, pushed to every open page.

Once a second :class:`LiveHub` reads the published snapshot (it computes none), turns it
into the same JSON as ``/api/v1/pairs`` (plus feeds and firing alerts), appends each
pair's mid premium and both executable edges to a bounded per-pair history
(:class:`PremiumHistory`: the last hour at one-second resolution, the last day at
one-minute resolution) and hands the encoded message to every Server-Sent-Events
subscriber. A slow page never holds the loop: its queue keeps only the newest messages.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import structlog

from monitor.core.snapshot import MarketSnapshot
from monitor.expose import api
from monitor.expose.api_universe import ranking_json
from monitor.expose.pairs_json import PairsJson, new_pairs_json
from monitor.feeds.base import FeedHealth
from monitor.slices import TimeSlice

log = structlog.get_logger(__name__)

NS = 1_000_000_000
HOUR_SECONDS = 3600
DAY_MINUTES = 1440
PHASE_SECONDS = 0.2  # after the whole second at which the market clock publishes
SUBSCRIBER_QUEUE = 4  # messages kept for a page that reads slowly (older ones are dropped)
BASES = ("mid", "buy_hk_sell_us", "buy_us_sell_hk")

Sample = tuple[int, float | None, float | None, float | None]  # (unix second, mid, a, b)


def _mean(values: Sequence[float | None]) -> float | None:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return sum(finite) / len(finite) if finite else None


@dataclass(slots=True)
class PremiumHistory:
    """Recent premiums of one pair: per second for an hour, per minute (means) for a day."""

    seconds: deque[Sample] = field(default_factory=lambda: deque(maxlen=HOUR_SECONDS))
    minutes: deque[Sample] = field(default_factory=lambda: deque(maxlen=DAY_MINUTES))
    _minute: list[Sample] = field(default_factory=list)  # the samples of the open minute

    def add(self, sample: Sample) -> None:
        """Record one sample; a second already recorded is replaced (clock did not move)."""
        if self.seconds and self.seconds[-1][0] >= sample[0]:
            if self.seconds[-1][0] > sample[0]:
                return  # time went backwards (recorded clock): keep the history monotonic
            self.seconds.pop()
            if self._minute:
                self._minute.pop()
        if self._minute and self._minute[0][0] // 60 != sample[0] // 60:
            self._close_minute()
        self.seconds.append(sample)
        self._minute.append(sample)

    def _close_minute(self) -> None:
        minute = self._minute[0][0] // 60 * 60
        columns = list(zip(*self._minute, strict=True))
        self.minutes.append((minute, _mean(columns[1]), _mean(columns[2]), _mean(columns[3])))
        self._minute = []

    def window(self, name: str) -> list[Sample]:
        """``1h``: the per-second samples; ``1d``: the per-minute means (open minute last)."""
        if name == "1h":
            return list(self.seconds)
        out = list(self.minutes)
        if self._minute:
            columns = list(zip(*self._minute, strict=True))
            minute = self._minute[0][0] // 60 * 60
            out.append((minute, _mean(columns[1]), _mean(columns[2]), _mean(columns[3])))
        return out


def history_json(pair: str, window: str, samples: Sequence[Sample]) -> dict[str, Any]:
    """Column arrays (what the page's chart takes): unix seconds and the three bases."""
    columns: list[list[Any]] = [[], [], [], []]
    for sample in samples:
        for column, value in zip(columns, sample, strict=True):
            column.append(value)
    return {
        "pair": pair,
        "window": window,
        "step_seconds": 1 if window == "1h" else 60,
        "t": columns[0],
        **{basis: columns[i + 1] for i, basis in enumerate(BASES)},
    }


class LiveHub:
    """Publishes one status message a second and keeps each pair's premium history."""

    def __init__(
        self,
        snapshot: Callable[[], MarketSnapshot],
        feeds: Callable[[], Sequence[FeedHealth]],
        alerts: Callable[[], list[dict[str, Any]]],
        version: str,
        interval: float = 1.0,
        pairs: PairsJson | None = None,
    ) -> None:
        self._snapshot = snapshot
        self._pairs = pairs if pairs is not None else new_pairs_json()  # shared with the API
        self._feeds = feeds
        self._alerts = alerts
        self.version = version
        self.interval = interval
        self.history: dict[str, PremiumHistory] = {}
        self.latest: bytes | None = None  # the last encoded status message
        self._subscribers: set[asyncio.Queue[bytes | None]] = set()
        self.failures = 0

    async def tick(self) -> None:
        """Read the published snapshot, record the history, push the message; never raises."""
        try:
            message = await self._build()
        except Exception:  # the page degrades (no new message), the daemon goes on
            self.failures += 1
            log.exception("status_message_failed")
            return
        self.latest = message
        if message is None:
            return
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()  # drop the oldest: the page only needs the newest
            queue.put_nowait(message)

    async def _build(self) -> bytes | None:
        """Record the history; encode the message only while a page listens (None)."""
        snapshot = self._snapshot()
        second = snapshot.as_of // NS
        for view in snapshot.pairs:
            p = view.premium
            sample = (second, p.mid, p.buy_hk_sell_us, p.buy_us_sell_hk)
            self.history.setdefault(view.pair, PremiumHistory()).add(sample)
        if not self._subscribers:
            return None
        slice_ = TimeSlice(background=True)  # hundreds of pairs do not hold the loop
        encoded = await self._pairs.get(snapshot, None, slice_)
        pairs = [orjson.Fragment(encoded[view.pair]) for view in snapshot.pairs]
        body = {
            "version": self.version,
            "as_of": api.iso(snapshot.as_of),
            "as_of_seconds": second,
            "pairs": pairs,
            "feeds": [api.feed_json(f) for f in self._feeds()],
            "alerts": self._alerts(),
            "ranking": ranking_json(snapshot) if len(snapshot.pairs) > 1 else None,
        }
        return orjson.dumps(body, option=api.JSON_OPTIONS)  # the pairs are encoded already

    async def run(self) -> None:
        """Tick every ``interval`` seconds, just after the market clock publishes (at whole
        seconds of wall time), until cancelled."""
        while True:
            await self.tick()
            await asyncio.sleep(self.interval - (time.time() - PHASE_SECONDS) % self.interval)

    def subscribe(self) -> asyncio.Queue[bytes | None]:
        """A queue that receives every status message (``None``: the server is stopping)."""
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(SUBSCRIBER_QUEUE)
        if self.latest is not None:
            queue.put_nowait(self.latest)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[bytes | None]) -> None:
        self._subscribers.discard(queue)

    def close(self) -> None:
        """Tell every subscriber to end its stream (the server is shutting down)."""
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(None)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)


__all__ = ["LiveHub", "PremiumHistory", "Sample", "history_json"]
