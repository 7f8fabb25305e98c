"""A bus that wants a token: the gateway and the feed authenticate; no secret is shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.app.daemon import Daemon
from monitor.app.gateway import Gateway
from monitor.bus.connection import display_url
from monitor.expose.api import readiness
from tests.support.bus import daemon_config, gateway_config, settings
from tests.support.nats_server import NatsServer
from tests.support.polling import eventually

TOKEN = "s3cret-bus-token"


@pytest.fixture
def guarded_server(tmp_path: Path) -> Iterator[NatsServer]:
    server = NatsServer(tmp_path / "jetstream", None, "--auth", TOKEN)
    server.start()
    try:
        yield server
    finally:
        server.kill()


async def test_token_authenticates_and_never_shows(
    guarded_server: NatsServer, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    url = guarded_server.url
    gateway = Gateway(settings(gateway_config(url, token_file=str(token_file))))
    daemon = Daemon(settings(daemon_config(url, token=TOKEN)))
    intruder = Daemon(settings(daemon_config(url, token="wrong")))
    for process in (gateway, daemon, intruder):
        await process.start()
    try:
        await eventually(lambda: daemon.snapshot().pairs[0].premium.mid is not None, within=10,
                         what="a premium through the guarded bus")  # fmt: skip
        feed = intruder.feed("sim")
        await eventually(lambda: "unreachable" in feed.health.reason, what="refused")
        shown = str(readiness(intruder.snapshot(), [feed.health])) + feed.health.reason
        assert TOKEN not in shown and "wrong" not in shown
    finally:
        for process in (intruder, daemon, gateway):
            await process.stop()


def test_passwords_in_urls_are_not_shown() -> None:
    shown = display_url("nats://ops:pa55@a:4222, tls://tok@b:4222,nats://c:4222")
    assert shown == "nats://a:4222,tls://b:4222,nats://c:4222"
