"""The task supervisor: crashes are logged, counted and restarted; stop is prompt."""

from __future__ import annotations

import asyncio
import time

from monitor.app.tasks import TaskSupervisor
from tests.support.polling import eventually


class Sleeps:
    """An injected sleep that records each delay and yields once instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)


async def test_a_crashing_task_is_restarted_with_backoff_and_counted() -> None:
    sleeps = Sleeps()
    supervisor = TaskSupervisor(initial_backoff=1.0, max_backoff=4.0, sleep=sleeps)
    starts = 0

    async def flaky() -> None:
        nonlocal starts
        starts += 1
        if starts < 5:
            raise RuntimeError("boom")
        await asyncio.Event().wait()  # healthy from the fifth start on

    supervisor.spawn("flaky", flaky)
    await eventually(lambda: starts == 5)
    assert supervisor.restarts["flaky"] == 4
    assert supervisor.alive
    ceilings = [1.0, 2.0, 4.0, 4.0]  # doubling, capped; equal jitter: [ceiling/2, ceiling]
    assert all(c / 2 <= d <= c for d, c in zip(sleeps.delays, ceilings, strict=True))
    await supervisor.stop(1.0)
    assert not supervisor.alive


async def test_a_long_healthy_run_starts_the_backoff_over() -> None:
    sleeps = Sleeps()
    now = [0.0]
    supervisor = TaskSupervisor(1.0, 60.0, 60.0, sleep=sleeps, clock=lambda: now[0])
    runs = 0

    async def crashes_late_once() -> None:
        nonlocal runs
        runs += 1
        if runs == 3:
            now[0] += 61.0  # this run was healthy for a minute before it crashed
        if runs < 5:
            raise RuntimeError("boom")
        await asyncio.Event().wait()

    supervisor.spawn("t", crashes_late_once)
    await eventually(lambda: runs == 5)
    ceilings = [1.0, 2.0, 1.0, 2.0]  # the third run was healthy: back to the first delay
    assert all(c / 2 <= d <= c for d, c in zip(sleeps.delays, ceilings, strict=True))
    await supervisor.stop(1.0)


async def test_a_task_that_returns_is_restarted_too() -> None:
    supervisor = TaskSupervisor(sleep=Sleeps())
    runs = 0

    async def quits() -> None:
        nonlocal runs
        runs += 1

    supervisor.spawn("quits", quits)
    await eventually(lambda: runs >= 2)
    assert supervisor.restarts["quits"] >= 1
    await supervisor.stop(1.0)


async def test_stop_cancels_everything_within_the_grace_period() -> None:
    supervisor = TaskSupervisor()
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
    supervisor = TaskSupervisor()

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
