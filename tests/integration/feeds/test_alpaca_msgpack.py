"""Alpaca's msgpack stream encoding against a local server speaking msgpack."""

from __future__ import annotations

import msgpack
import orjson
import pytest
from pydantic import ValidationError

from monitor.core.events import Quote, Trade
from monitor.feeds.alpaca import PROVIDER
from monitor.feeds.alpaca import config as alpaca_config
from monitor.feeds.alpaca.config import AlpacaOptions
from monitor.feeds.alpaca.encoding import codec
from monitor.feeds.alpaca.parse import AlpacaParser
from monitor.feeds.base import FeedState
from monitor.feeds.streaming import WebSocketFeed
from monitor.feeds.wire import ParseError
from tests.support.feeds import Recorder, SleepRecorder, Spec, fast_connection, running
from tests.support.frames import frame
from tests.support.polling import eventually
from tests.support.servers.alpaca import AlpacaServer, with_timestamps

BATCH = [
    {
        "T": "q",
        "S": "PONY",
        "bx": "V",
        "bp": 18.42,
        "bs": 200,
        "ax": "V",
        "ap": 18.45,
        "as": 400,
        "t": "2026-11-20T20:59:58.123456789Z",
        "c": ["R"],
        "z": "C",
    },
    {
        "T": "t",
        "i": 52983525033527,
        "S": "PONY",
        "x": "V",
        "p": 18.44,
        "s": 150,
        "t": "2026-11-20T20:59:59.000000001Z",
        "c": ["@"],
        "z": "C",
    },
]


def make_feed(server: AlpacaServer, rec: Recorder, *, secret: str = "s3cret") -> WebSocketFeed:
    options = AlpacaOptions.model_validate(
        {
            "key_id": "AKTEST",
            "secret_key": secret,
            "url": server.url,
            "encoding": "msgpack",
            "connection": fast_connection(
                fatal_retry_min_seconds=60.0, fatal_retry_max_seconds=60.0
            ),
        }
    )
    spec = Spec(rec.name, "alpaca", ["PONY"])
    feed = PROVIDER.build(spec, options, rec.ctx, sleep=SleepRecorder())
    assert isinstance(feed, WebSocketFeed)
    return feed


async def test_msgpack_stream_authenticates_subscribes_and_parses_exact_timestamps() -> None:
    async with AlpacaServer(frames=[BATCH]) as server:
        rec = Recorder("alp")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 2, what="batched events")
            assert rec.health.state is FeedState.STREAMING
        assert len(server.msgpack) == 1  # the handshake asked for msgpack
    assert server.received == [  # and the client spoke msgpack (the server decoded it)
        {"action": "auth", "key": "AKTEST", "secret": "s3cret"},
        {"action": "subscribe", "quotes": ["PONY"], "trades": ["PONY"]},
    ]
    quote, trade = rec.events
    assert quote == Quote(
        "PONY", 18.42, 200.0, 18.45, 400.0, 1_795_208_398_123_456_789, quote.ts_recv, "alp"
    )
    assert trade == Trade("PONY", 18.44, 150.0, 1_795_208_399_000_000_001, trade.ts_recv, "alp")


async def test_msgpack_error_402_is_fatal() -> None:
    async with AlpacaServer() as server:
        rec = Recorder("alp")
        async with running(make_feed(server, rec, secret="wrong")):
            await eventually(lambda: rec.health.state is FeedState.FATAL, what="fatal")
            assert rec.health.reason == "alpaca error 402: auth failed"


def test_json_stays_the_default_and_sends_no_content_type() -> None:
    options = AlpacaOptions.model_validate({"key_id": "k", "secret_key": "s"})
    assert options.encoding == "json"
    assert dict(codec(options.encoding).headers) == {}
    assert dict(codec("msgpack").headers) == {"Content-Type": "application/msgpack"}


def test_recorded_payload_reencoded_as_msgpack_parses_like_json() -> None:
    raw = frame("alpaca", "ws_quotes_2025-11-03_shares.json")
    symbols = {"PONY": "PONY", "ZVZZT": "ZVZZT"}
    as_json = AlpacaParser(symbols)(raw, 0)
    packed = msgpack.packb(with_timestamps(orjson.loads(raw)))
    as_msgpack = AlpacaParser(symbols, decode=codec("msgpack").decode)(packed, 0)
    assert as_msgpack.events == as_json.events and not as_msgpack.errors
    with pytest.raises(ParseError, match="not msgpack"):
        AlpacaParser(symbols, decode=codec("msgpack").decode)(b"\xc1", 0)


def test_msgpack_encoding_without_the_package_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(alpaca_config, "msgpack_available", lambda: False)
    with pytest.raises(ValidationError, match=r"dlmon\[alpaca\]"):
        AlpacaOptions.model_validate({"key_id": "k", "secret_key": "s", "encoding": "msgpack"})
