"""Options of the Alpaca market data v2 stock stream."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model

Channel = Literal["quotes", "trades"]


class AlpacaOptions(Model):
    """One Alpaca v2 stock stream (``iex`` on the free plan, ``sip`` with Algo Trader Plus)."""

    key_id: SecretStr
    secret_key: SecretStr
    feed: Literal["iex", "sip", "delayed_sip", "test"] = "iex"
    sandbox: bool = False
    url: str | None = None
    channels: list[Channel] = Field(default=["quotes", "trades"], min_length=1)
    quote_size_multiplier: float = Field(default=100.0, gt=0)
    connection: ConnectionOptions = ConnectionOptions(
        ping_interval_seconds=10.0, ping_timeout_seconds=30.0
    )

    def endpoint_url(self) -> str:
        """``url`` if given, else ``wss://stream.data[.sandbox].alpaca.markets/v2/<feed>``."""
        if self.url:
            return self.url
        host = (
            "stream.data.sandbox.alpaca.markets" if self.sandbox else "stream.data.alpaca.markets"
        )
        return f"wss://{host}/v2/{self.feed}"
