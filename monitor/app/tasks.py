"""Ownership of background tasks: every task is named, kept, watched and restarted.

A task that raises is logged with its traceback, counted, and restarted after the shared
:class:`~monitor.retry.Backoff` (equal jitter, capped, reset after a healthy run); a task
that returns while the supervisor runs is restarted the same way. ``stop`` cancels
everything and waits, under a deadline. Sleep, clock and random source are injectable.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import structlog

from monitor.retry import Backoff, Monotonic, Random

log = structlog.get_logger(__name__)

TaskFactory = Callable[[], Coroutine[Any, Any, None]]
Sleep = Callable[[float], Awaitable[None]]


class TaskSupervisor:
    """Runs named coroutines forever, restarting them with backoff when they fail."""

    def __init__(
        self,
        initial_backoff: float = 1.0,
        max_backoff: float = 60.0,
        healthy_after: float = 60.0,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Monotonic = time.monotonic,
        rng: Random = random.random,
    ) -> None:
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.healthy_after = healthy_after
        self.restarts: dict[str, int] = {}
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._stopping = False

    def spawn(self, name: str, factory: TaskFactory) -> asyncio.Task[None]:
        """Start ``factory()`` under supervision as task ``name``."""
        if name in self._tasks:
            raise ValueError(f"a task named {name!r} is already supervised")
        self.restarts.setdefault(name, 0)
        task = asyncio.create_task(self._keep_running(name, factory), name=name)
        self._tasks[name] = task
        return task

    @property
    def alive(self) -> bool:
        """True while every supervised task is running."""
        return not self._stopping and all(not t.done() for t in self._tasks.values())

    async def _keep_running(self, name: str, factory: TaskFactory) -> None:
        backoff = Backoff(
            self.initial_backoff,
            self.max_backoff,
            jitter=0.5,
            healthy_after=self.healthy_after,
            rng=self._rng,
            clock=self._clock,
        )
        while not self._stopping:
            backoff.running()
            try:
                await factory()
                log.warning("task_returned", task=name)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("task_crashed", task=name)
            if self._stopping:
                return
            self.restarts[name] += 1
            delay = backoff.next_delay()
            log.info("task_restarting", task=name, delay_seconds=round(delay, 2))
            await self._sleep(delay)

    async def stop(self, grace_seconds: float = 3.0) -> None:
        """Cancel every task and wait for them (at most ``grace_seconds``)."""
        self._stopping = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
            for task in pending:
                log.error("task_did_not_stop", task=task.get_name())
        self._tasks.clear()
