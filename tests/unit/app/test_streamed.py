"""Streamed responses: HEAD gets headers only, a client that leaves ends the response quietly."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import Gauge
from prometheus_client.registry import CollectorRegistry

from monitor.expose.metrics_handler import make_metrics_handler
from monitor.expose.streamed import send_streamed


async def test_head_gets_the_headers_and_no_body() -> None:
    registry = CollectorRegistry(auto_describe=False)
    Gauge("g", "a gauge", registry=registry).set(1)
    app = web.Application()
    app.router.add_get("/metrics", make_metrics_handler(registry))
    async with TestClient(TestServer(app)) as client:
        head = await client.head("/metrics")
        assert head.status == 200
        assert head.headers["Content-Type"].startswith("text/plain")
        assert await head.read() == b""
        assert b"g 1.0" in await (await client.get("/metrics")).read()


async def test_a_client_gone_mid_body_ends_the_response_without_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[bytes] = []

    async def parts() -> AsyncIterator[bytes]:
        for i in range(5):
            yield b"part %d," % i

    async def write(self: web.StreamResponse, data: bytes) -> None:
        if len(written) == 2:
            raise ConnectionResetError("Cannot write to closing transport")
        written.append(data)

    async def handler(request: web.Request) -> web.StreamResponse:
        monkeypatch.setattr(web.StreamResponse, "write", write)
        return await send_streamed(request, web.StreamResponse(), parts())

    app = web.Application()
    app.router.add_get("/big", handler)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/big")
        assert response.status == 200  # the headers went out before the client left
    assert written == [b"part 0,", b"part 1,"]  # no more was attempted, and nothing raised
