"""The task supervisor: crashes are logged, counted and restarted; stop is prompt."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from monitor.supervisor import Supervisor


async def eventually(check: Callable[[], bool]) -> None:
    """Poll ``check`` until it holds, for at most 5 s."""
    async with asyncio.timeout(5.0):
        while not check():  # noqa: ASYNC110 - polling with a deadline is the point
            await asyncio.sleep(0.005)


async def test_a_crashing_task_is_restarted_with_backoff_and_counted() -> None:
    supervisor = Supervisor(initial_backoff=0.01, max_backoff=0.04)
    starts: list[float] = []

    async def flaky() -> None:
        starts.append(time.monotonic())
        if len(starts) < 4:
            raise RuntimeError("boom")
        await asyncio.Event().wait()  # healthy from the fourth start on

    supervisor.spawn("flaky", flaky)
    await eventually(lambda: len(starts) == 4)
    assert supervisor.restarts["flaky"] == 3
    assert supervisor.alive
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(gap >= 0.004 for gap in gaps)  # at least half the backoff each time
    await supervisor.stop(1.0)
    assert not supervisor.alive


async def test_a_task_that_returns_is_restarted_too() -> None:
    supervisor = Supervisor(initial_backoff=0.01)
    runs = 0

    async def quits() -> None:
        nonlocal runs
        runs += 1

    supervisor.spawn("quits", quits)
    await eventually(lambda: runs >= 2)
    assert supervisor.restarts["quits"] >= 1
    await supervisor.stop(1.0)


async def test_stop_cancels_everything_within_the_grace_period() -> None:
    supervisor = Supervisor()
    cancelled = asyncio.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    supervisor.spawn("forever", forever)
    await asyncio.sleep(0)
    started = time.monotonic()
    await supervisor.stop(1.0)
    assert cancelled.is_set() and time.monotonic() - started < 1.0


async def test_names_are_unique() -> None:
    supervisor = Supervisor()

    async def idle() -> None:
        await asyncio.Event().wait()

    supervisor.spawn("a", idle)
    try:
        supervisor.spawn("a", idle)
    except ValueError as exc:
        assert "already supervised" in str(exc)
    else:
        raise AssertionError("a duplicate name was accepted")
    finally:
        await supervisor.stop(1.0)
