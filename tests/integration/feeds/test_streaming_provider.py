"""The streaming provider builder: symbol mapping, refusal, transport and injected seams."""

from __future__ import annotations

import contextlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from monitor.errors import ConfigError
from monitor.feeds import alpaca, finnhub, generic, itick, oanda, polygon
from monitor.feeds.streaming import (
    ConnectionOptions,
    Endpoint,
    HttpStreamFeed,
    StreamingProvider,
    WebSocketFeed,
)
from tests.support.feeds import Recorder, SleepRecorder, Spec, fast_connection_data, running
from tests.support.polling import eventually

GENERIC = {"url": "wss://in-house.example/ws", "fields": {"instrument": "s", "price": "p"}}
OPTIONS: dict[str, dict[str, Any]] = {
    "polygon": {"api_key": "k"},
    "polygon-forex": {"api_key": "k", "market": "forex"},
    "alpaca": {"key_id": "k", "secret_key": "s"},
    "finnhub": {"api_key": "k"},
    "oanda": {"token": "t", "account_id": "101-1"},
    "itick-forex": {"token": "t", "market": "forex"},
    "generic": GENERIC,
}


def build(
    provider: StreamingProvider[Any],
    options: str,
    instruments: list[str],
    symbols: dict[str, str] | None = None,
) -> WebSocketFeed | HttpStreamFeed:
    spec = Spec("feed", "any", instruments, symbols)
    return provider.build(spec, provider.options.model_validate(OPTIONS[options]), Recorder().ctx)


@pytest.mark.parametrize(
    ("provider", "options", "instruments", "message"),
    [
        (polygon.PROVIDER, "polygon-forex", ["PONY", "2026.HK"], "polygon forex serves none of"),
        (polygon.PROVIDER, "polygon", ["2026.HK", "USDHKD"], "polygon stocks serves none of"),
        (alpaca.PROVIDER, "alpaca", ["2026.HK", "USDHKD"], "alpaca serves none of"),
        (finnhub.PROVIDER, "finnhub", ["2026.HK"], "finnhub serves none of"),
        (oanda.PROVIDER, "oanda", ["PONY", "2026.HK"], "oanda serves none of"),
    ],
)
def test_a_provider_serving_none_of_its_instruments_is_refused(
    provider: StreamingProvider[Any], options: str, instruments: list[str], message: str
) -> None:
    with pytest.raises(ConfigError, match=f"feeds.feed: {message} {', '.join(instruments)}"):
        build(provider, options, instruments)


def test_unserved_instruments_are_skipped_and_overrides_win() -> None:
    feed = build(polygon.PROVIDER, "polygon", ["PONY", "2026.HK", "USDHKD"], {"PONY": "PONY.X"})
    assert isinstance(feed, WebSocketFeed)
    assert feed.adapter.symbols == {"PONY": "PONY.X"}


def test_itick_only_warns_when_a_cluster_serves_none_of_its_instruments() -> None:
    feed = build(itick.PROVIDER, "itick-forex", ["PONY", "2026.HK"])
    assert feed.adapter.symbols == {}


def test_generic_maps_symbols_by_identity_unless_overridden() -> None:
    feed = build(generic.PROVIDER, "generic", ["PONY", "USDHKD"], {"PONY": "PONY.O"})
    assert feed.adapter.symbols == {"PONY": "PONY.O", "USDHKD": "USDHKD"}
    assert build(generic.PROVIDER, "generic", []).adapter.symbols == {}


def test_the_adapter_decides_the_transport() -> None:
    assert isinstance(build(oanda.PROVIDER, "oanda", ["USDHKD"]), HttpStreamFeed)
    for provider, options in [(polygon.PROVIDER, "polygon"), (alpaca.PROVIDER, "alpaca")]:
        assert isinstance(build(provider, options, ["PONY"]), WebSocketFeed)


def test_the_registered_feed_type_is_the_declared_provider() -> None:
    rec = Recorder()
    options = polygon.PolygonOptions.model_validate(OPTIONS["polygon"])
    assert polygon.FEED_TYPE.options is polygon.PolygonOptions
    feed = polygon.FEED_TYPE.factory(Spec("feed", "polygon", ["PONY"]), options, rec.ctx)
    assert isinstance(feed, WebSocketFeed) and feed.health is rec.health


@dataclass
class RefusingConnector:
    """A websocket connector whose every connection attempt is refused."""

    endpoints: list[Endpoint] = field(default_factory=list)

    def __call__(
        self, endpoint: Endpoint, options: ConnectionOptions
    ) -> contextlib.AbstractAsyncContextManager[Any]:
        self.endpoints.append(endpoint)
        return self._refuse()

    @contextlib.asynccontextmanager
    async def _refuse(self) -> AsyncIterator[Any]:
        raise ConnectionRefusedError("refused by the test")
        yield


@dataclass
class RefusingSession:
    """An HTTP session (and its factory) whose every request is refused."""

    urls: list[str] = field(default_factory=list)

    def __call__(self) -> RefusingSession:
        return self

    async def __aenter__(self) -> RefusingSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def get(self, url: str, **_: Any) -> Any:
        self.urls.append(url)
        raise ConnectionRefusedError("refused by the test")


async def test_the_websocket_seams_reach_the_feed() -> None:
    rec = Recorder()
    options = polygon.PolygonOptions.model_validate(
        {"api_key": "k", "url": "wss://poly.test/stocks", "connection": fast_connection_data()}
    )
    connector, sleep = RefusingConnector(), SleepRecorder()
    feed = polygon.PROVIDER.build(
        Spec("feed", "polygon", ["PONY"]),
        options,
        rec.ctx,
        connector=connector,
        sleep=sleep,
        rng=random.Random(1),
    )
    async with running(feed):
        await eventually(lambda: len(connector.endpoints) >= 2 and sleep.delays)
    assert connector.endpoints[0].url == "wss://poly.test/stocks"
    assert rec.health.errors_total["connect"] >= 1


async def test_the_http_seams_reach_the_feed() -> None:
    rec = Recorder()
    options = oanda.OandaOptions.model_validate(
        {
            "token": "t",
            "account_id": "101-1",
            "url": "https://oanda.test",
            "connection": fast_connection_data(),
        }
    )
    session, sleep = RefusingSession(), SleepRecorder()
    feed = oanda.PROVIDER.build(
        Spec("feed", "oanda", ["USDHKD"]), options, rec.ctx, session_factory=session, sleep=sleep
    )
    async with running(feed):
        await eventually(lambda: len(session.urls) >= 2 and sleep.delays)
    assert session.urls[0] == "https://oanda.test/v3/accounts/101-1/pricing/stream"
    assert rec.health.errors_total["connect"] >= 1
