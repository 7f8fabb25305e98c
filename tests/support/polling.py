"""Wait for an effect by polling with a deadline; tests never sleep a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    check: Callable[[], object], within: float = 10.0, what: str = "condition"
) -> None:
    """Poll ``check`` on the running loop until it is truthy; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within:g}s waiting for {what}")
        await asyncio.sleep(0.005)


def wait_until(check: Callable[[], T], within: float = 15.0, interval: float = 0.05) -> T:
    """Poll ``check`` from synchronous code until it returns something truthy; return it.

    ``OSError`` and ``AssertionError`` from ``check`` count as "not yet" (a server that is
    still starting); the last one is reported if the deadline passes.
    """
    deadline = time.monotonic() + within
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except (OSError, AssertionError) as exc:
            last = exc
        time.sleep(interval)
    raise AssertionError(f"condition not met within {within:g}s (last error: {last})")
