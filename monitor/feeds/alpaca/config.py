"""Options of the Alpaca market data v2 stock stream."""

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from monitor.feeds.alpaca.encoding import Encoding, msgpack_available
from monitor.feeds.streaming import ConnectionOptions
from monitor.feeds.units import QuoteSizes, QuoteSizeUnit
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
    encoding: Encoding = "json"
    quote_size_unit: QuoteSizeUnit = "auto"
    quote_size_multiplier: float | None = Field(default=None, gt=0)
    connection: ConnectionOptions = ConnectionOptions(
        ping_interval_seconds=10.0, ping_timeout_seconds=30.0
    )

    @model_validator(mode="after")
    def _check_encoding(self) -> "AlpacaOptions":
        if self.encoding == "msgpack" and not msgpack_available():
            raise ValueError(
                "encoding: msgpack needs the msgpack package: pip install 'dlmon[alpaca]'"
            )
        return self

    def endpoint_url(self) -> str:
        """``url`` if given, else ``wss://stream.data[.sandbox].alpaca.markets/v2/<feed>``."""
        if self.url:
            return self.url
        host = (
            "stream.data.sandbox.alpaca.markets" if self.sandbox else "stream.data.alpaca.markets"
        )
        return f"wss://{host}/v2/{self.feed}"

    def quote_sizes(self) -> QuoteSizes:
        """Reported quote size -> shares: round lots of 100 before 2025-11-03, then shares.

        ``quote_size_unit`` (``shares``, ``round_lots``) or a fixed ``quote_size_multiplier``
        override the dated default (docs/feeds.md, "Sizes").
        """
        return QuoteSizes(self.quote_size_unit, fixed=self.quote_size_multiplier)
