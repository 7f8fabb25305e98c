"""A local HTTP receiver that records requests, fake time, notices, and polling."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from monitor.notify.models import Notice, Status

NS = 1_000_000_000
T0 = 1_795_000_000 * NS


@dataclass
class Recorded:
    path: str
    query_string: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float  # fake monotonic time when received (if a clock is attached)

    def json(self) -> Any:
        return json.loads(self.body)


Responder = Callable[[Recorded], web.Response]


def ok_text(_: Recorded) -> web.Response:
    return web.Response(text="ok")


@dataclass
class Receiver:
    """Records every POST; ``respond`` decides the answer."""

    respond: Responder = ok_text
    requests: list[Recorded] = field(default_factory=list)
    clock: Callable[[], float] = time.monotonic
    runner: web.AppRunner | None = None
    port: int = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = self.runner.addresses[0][1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _handle(self, request: web.Request) -> web.Response:
        rec = Recorded(
            path=request.path,
            query_string=request.query_string,
            query=dict(request.query),
            headers=dict(request.headers),
            body=await request.read(),
            at=self.clock(),
        )
        self.requests.append(rec)
        return self.respond(rec)


class FakeTime:
    """Monotonic and wall clocks that only move when the code under test sleeps."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.mono

    def wall_ns(self) -> int:
        return T0 + int((self.mono - 1000.0) * NS)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.mono += max(seconds, 0.0)
        await asyncio.sleep(0)


TITLE = "PONY · premium_high: mid premium +2.35 % (+235 bp) above +2.00 % (+200 bp)"
LINES = (
    "US PONY 18.00 / 18.02 · age 1.2 s · regular",
    "HK 2026.HK 139.10 / 139.20 · age 0.8 s · continuous",
    "FX USDHKD 7.7999 / 7.8001 · age 0.5 s · continuous",
)
DASHBOARD = "https://grafana.example/d/dlmon"


def notice(
    n: int = 1,
    status: Status = Status.FIRING,
    created_ns: int = T0 + 5 * NS,
    severity: str = "critical",
    url: str | None = DASHBOARD,
) -> Notice:
    return Notice(
        key=f"fp{n}:{T0}:{status.value}:0",
        fingerprint=f"fp{n}",
        status=status,
        rule="premium_high",
        pair="PONY",
        severity=severity,
        title=TITLE if n == 1 else f"{TITLE} #{n}",
        lines=LINES,
        labels={"basis": "mid"},
        annotations={"value": "0.0235", "threshold": "0.02"},
        starts_at_ns=T0,
        ends_at_ns=created_ns if status is Status.RESOLVED else None,
        created_ns=created_ns,
        url=url,
    )
