"""TimeSlice: work yields once the round's slice is spent, and the slice is shared."""

from __future__ import annotations

import asyncio

import pytest

from monitor import slices
from monitor.slices import TimeSlice

MS = 1_000_000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    now = [0]
    monkeypatch.setattr(slices._Round, "start", 0)
    monkeypatch.setattr(slices._Round, "marked", None)
    return now


async def work(name: str, items: int, now: list[int], log: list[str]) -> None:
    slice_ = TimeSlice(0.001, clock=lambda: now[0])
    for _ in range(items):
        now[0] += MS // 4  # each item takes a quarter of a millisecond
        log.append(name)
        await slice_.pause()


async def test_work_yields_once_the_slice_is_spent(clock: list[int]) -> None:
    log: list[str] = []

    async def other() -> None:
        while True:
            log.append("|")
            await asyncio.sleep(0)

    watcher = asyncio.create_task(other())
    await asyncio.sleep(0)
    await work("a", 10, clock, log)
    watcher.cancel()
    assert "".join(log) == "|aaaa|aaaa|aa"  # the loop is given back after every fourth item


async def test_the_slice_is_shared_by_work_running_at_once(clock: list[int]) -> None:
    log: list[str] = []

    async def rounds() -> None:  # marks each round of the loop
        while True:
            log.append("|")
            await asyncio.sleep(0)

    marker = asyncio.create_task(rounds())
    await asyncio.sleep(0)
    await asyncio.gather(work("a", 6, clock, log), work("b", 6, clock, log))
    marker.cancel()
    # A round runs a millisecond of work in all (four items), plus the one item each other
    # piece of work does before it sees the slice spent: not a millisecond each.
    assert "".join(log) == "||aaaab|aabb|bbb||"


async def test_background_work_waits_for_a_request_in_flight(clock: list[int]) -> None:
    log: list[str] = []
    done = asyncio.Event()

    async def request() -> None:
        with slices.serving():
            slice_ = TimeSlice(0.001, clock=lambda: clock[0])
            for _ in range(8):
                clock[0] += MS // 4
                log.append("r")
                await slice_.pause()
            await done.wait()  # e.g. a client still reading the body
            log.append("R")

    async def background() -> None:
        slice_ = TimeSlice(0.001, clock=lambda: clock[0], background=True)
        for _ in range(8):
            clock[0] += MS // 4
            log.append("b")
            await slice_.pause()

    served = asyncio.create_task(request())
    await asyncio.sleep(0)  # the request is in flight
    tick = asyncio.create_task(background())
    await asyncio.sleep(0)
    for _ in range(5):  # some rounds of the loop: the request's work only
        await asyncio.sleep(0)
    assert "".join(log) == "rrrrrrrrb"  # one item of the tick, then it waits
    done.set()
    await asyncio.wait_for(asyncio.gather(served, tick), timeout=5)
    assert "".join(log) == "rrrrrrrrbRbbbbbbb"  # the rest of the tick after the request


async def test_background_work_waits_for_requests_for_a_bounded_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(slices, "BACKGROUND_WAIT_SECONDS", 0.02)
    release = asyncio.Event()

    async def endless_request() -> None:
        with slices.serving():
            await release.wait()

    served = asyncio.create_task(endless_request())
    await asyncio.sleep(0)
    slice_ = TimeSlice(0.0, background=True)  # every pause would wait

    async def background() -> int:
        for _ in range(50):
            await slice_.pause()
        return 50

    # Waits 20 ms in all, then goes on with plain yields although the request never ends.
    assert await asyncio.wait_for(background(), timeout=5) == 50
    assert not served.done()
    release.set()
    await served


async def test_foreground_work_does_not_wait_for_requests() -> None:
    release = asyncio.Event()

    async def request() -> None:
        with slices.serving():
            await release.wait()

    served = asyncio.create_task(request())
    await asyncio.sleep(0)
    slice_ = TimeSlice(0.0)
    for _ in range(20):
        await asyncio.wait_for(slice_.pause(), timeout=1)  # a plain yield each time
    release.set()
    await served
