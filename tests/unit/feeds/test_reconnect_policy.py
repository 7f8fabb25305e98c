"""The reconnect policy with fake time: session-aware ceiling, attempt spacing, decay."""

from __future__ import annotations

import asyncio
import random

import pytest

from monitor.feeds.base import FeedHealth
from monitor.feeds.streaming import ConnectionOptions, ReconnectLoop, StreamingCallback


class FakeTime:
    def __init__(self) -> None:
        self.t = 0.0
        self.delays: list[float] = []

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self.t += delay


async def run_script(
    steps: list[float | None], *, in_session: bool | None, seed: int = 7
) -> tuple[FakeTime, FeedHealth]:
    """Run sessions: ``None`` fails at once, a number streams that many seconds then drops."""
    clock = FakeTime()
    health = FeedHealth("f")
    script = list(steps)

    def probe() -> bool:
        if in_session is None:
            raise RuntimeError("calendar broken")
        return in_session

    async def session(streaming: StreamingCallback) -> None:
        if not script:
            raise asyncio.CancelledError
        step = script.pop(0)
        clock.t += 0.01  # a refused connect takes a little time
        if step is not None:
            streaming()
            clock.t += step
        raise ConnectionResetError("gone")

    loop = ReconnectLoop(
        health,
        ConnectionOptions(),
        sleep=clock.sleep,
        rng=random.Random(seed),
        monotonic=clock.monotonic,
        in_session=probe,
    )
    with pytest.raises(asyncio.CancelledError):
        await loop.run(session)
    return clock, health


@pytest.mark.parametrize("seed", range(5))
async def test_in_session_the_delay_stays_between_one_and_one_and_a_half_seconds(
    seed: int,
) -> None:
    clock, health = await run_script([None] * 30, in_session=True, seed=seed)
    assert all(0.98 <= d <= 1.5 for d in clock.delays)  # 1 s from attempt start
    assert health.connect_attempts_total == 31  # the 30 scripted and the cancelled one
    assert clock.t / len(clock.delays) >= 1.0  # at most one attempt a second on average


async def test_while_closed_the_delay_grows_to_thirty_seconds() -> None:
    clock, _ = await run_script([None] * 8, in_session=False)
    ceilings = [1, 2, 4, 8, 16, 30, 30, 30]
    assert all(c / 2 <= d <= c for d, c in zip(clock.delays, ceilings, strict=True))


async def test_a_broken_calendar_falls_back_to_the_closed_policy() -> None:
    clock, _ = await run_script([None] * 6, in_session=None)
    assert clock.delays[-1] >= 15.0


async def test_flapping_every_five_seconds_keeps_the_first_delay() -> None:
    clock, health = await run_script([5.0] * 12, in_session=False)
    assert all(d <= 1.0 for d in clock.delays)
    assert health.reconnects_total == 12
