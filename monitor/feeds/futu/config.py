"""Options of the ``futu`` feed (Futu OpenAPI through a local OpenD gateway)."""

from typing import Literal

from pydantic import Field

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model

SubType = Literal["QUOTE", "ORDER_BOOK", "TICKER"]


class FutuOptions(Model):
    """Where OpenD listens and what to subscribe.

    HK real-time pushes need HK LV2 (or SF) quote rights in OpenD; US needs LV1/LV2
    (``US.PONY``). Each code x sub type uses one unit of the subscription quota.
    """

    host: str = "127.0.0.1"
    port: int = Field(default=11111, ge=1, le=65535)
    sub_types: list[SubType] = Field(default=["QUOTE", "ORDER_BOOK", "TICKER"], min_length=1)
    connect_timeout_seconds: float = Field(default=15.0, gt=0)
    drop_hk_odd_lots: bool = True
    connection: ConnectionOptions = ConnectionOptions(fatal_retry_min_seconds=120.0)


__all__ = ["FutuOptions", "SubType"]
