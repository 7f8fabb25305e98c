"""Options of the Polygon.io / Massive websocket feed."""

from typing import Literal

from pydantic import Field, SecretStr

from monitor.feeds.streaming import ConnectionOptions
from monitor.feeds.units import QuoteSizes, QuoteSizeUnit
from monitor.settings.base import Model

Channel = Literal["Q", "T"]
HOSTS = {"realtime": "socket.massive.com", "delayed": "delayed.massive.com"}


class PolygonOptions(Model):
    """One Polygon/Massive connection: ``market`` stocks (Q, T) or forex (C).

    Stocks and forex are separate clusters with separate sockets: configure one feed per
    market (both may use the same key).
    """

    api_key: SecretStr
    market: Literal["stocks", "forex"] = "stocks"
    cluster: Literal["realtime", "delayed"] = "realtime"
    url: str | None = None
    channels: list[Channel] = Field(default=["Q", "T"], min_length=1)
    quote_size_unit: QuoteSizeUnit = "auto"
    quote_size_multiplier: float | None = Field(default=None, gt=0)
    connection: ConnectionOptions = ConnectionOptions(
        ping_interval_seconds=9.0, ping_timeout_seconds=10.0
    )

    def endpoint_url(self) -> str:
        """The websocket URL (``url`` if given, else the cluster's host for ``market``)."""
        return self.url or f"wss://{HOSTS[self.cluster]}/{self.market}"

    def quote_sizes(self) -> QuoteSizes:
        """Reported quote size -> shares: round lots of 100 before 2025-11-03, then shares.

        ``quote_size_unit`` (``shares``, ``round_lots``) or a fixed ``quote_size_multiplier``
        override the dated default (docs/feeds.md, "Sizes").
        """
        return QuoteSizes(self.quote_size_unit, fixed=self.quote_size_multiplier)
