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
