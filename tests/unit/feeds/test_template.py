"""The provider template stays importable, type-correct and working (it is copied)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson

from monitor.core.events import Quote, Trade
from monitor.feeds._template import FEED_TYPE, PROVIDER, TemplateOptions
from monitor.feeds._template.parse import TemplateParser
from monitor.feeds.registry import FEED_PACKAGES
from monitor.feeds.streaming import ConnectionOptions, Endpoint, WebSocketFeed
from tests.support.feeds import Recorder, Spec, running
from tests.support.polling import eventually


def test_template_parser_turns_frames_into_events() -> None:
    parser = TemplateParser({"PONY.US": "PONY"})
    frame = (
        b'[{"type":"quote","symbol":"PONY.US","bid":18.4,"ask":18.5,"ts":1795208398000},'
        b'{"type":"trade","symbol":"PONY.US","price":18.45,"size":100,"ts":1795208398001},'
        b'{"type":"status","status":"authenticated"},{"type":"quote","symbol":"PONY.US"}]'
    )
    parsed = parser(frame, 5)
    assert parsed.events == [
        Quote("PONY", 18.4, 0.0, 18.5, 0.0, 1_795_208_398_000_000_000, 5),
        Trade("PONY", 18.45, 100.0, 1_795_208_398_001_000_000, 5),
    ]
    assert [c.kind for c in parsed.controls] == ["authenticated"]
    assert len(parsed.errors) == 1


def test_template_is_a_feed_type_but_not_registered() -> None:
    assert FEED_TYPE.options is TemplateOptions
    assert "monitor.feeds._template" not in FEED_PACKAGES.values()


class TemplateServer:
    """A fake websocket connection speaking the template's protocol."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self._frames: asyncio.Queue[bytes] = asyncio.Queue()

    async def send(self, text: str) -> None:
        message = orjson.loads(text)
        self.received.append(message)
        if message["op"] == "auth":
            await self._frames.put(b'[{"type":"status","status":"authenticated"}]')
        if message["op"] == "subscribe":
            quote = {"type": "quote", "symbol": "PONY.US", "bid": 18.4, "ask": 18.5, "ts": 1}
            await self._frames.put(orjson.dumps([quote]))

    async def recv(self) -> bytes:
        return await self._frames.get()

    @contextlib.asynccontextmanager
    async def connect(self, endpoint: Endpoint, options: ConnectionOptions) -> AsyncIterator[Any]:
        yield self


async def test_template_feed_authenticates_subscribes_and_streams() -> None:
    rec, server = Recorder("tpl"), TemplateServer()
    spec = Spec("tpl", "template", ["PONY", "USDHKD"], symbols={"PONY": "PONY.US"})
    options = TemplateOptions.model_validate({"api_key": "k"})
    feed = PROVIDER.build(spec, options, rec.ctx, connector=server.connect)
    assert isinstance(feed, WebSocketFeed)
    async with running(feed):
        await eventually(lambda: rec.events, what="a quote")
    assert server.received == [
        {"op": "auth", "key": "k"},
        {"op": "subscribe", "symbols": ["PONY.US", "USDHKD"]},
    ]
    (quote,) = rec.events
    assert isinstance(quote, Quote)
    assert (quote.instrument, quote.bid, quote.ask, quote.source) == ("PONY", 18.4, 18.5, "tpl")
