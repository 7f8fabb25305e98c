"""Options of the iTick websocket feed (``stock`` cluster for US/HK, ``forex`` cluster)."""

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model

Market = Literal["stock", "forex"]
DataType = Literal["quote", "depth", "tick"]
HOST = "wss://api.itick.org"


class ItickOptions(Model):
    """One iTick connection. Stocks and forex are separate clusters: one feed each.

    iTick allows one connection per cluster and token; a second connection evicts the
    first, so never run two daemons on one token.
    """

    token: SecretStr
    market: Market = "stock"
    url: str | None = None
    auth: Literal["header", "message"] = "header"  # older accounts: {"ac":"auth",...}
    types: list[DataType] = Field(default=["quote", "depth", "tick"], min_length=1)
    fx_last_as_quote: bool = False  # forex without depth: use the last price as bid and ask
    app_ping_interval_seconds: float = Field(default=15.0, gt=0)
    connection: ConnectionOptions = ConnectionOptions()

    @field_validator("types")
    @classmethod
    def _unique(cls, value: list[DataType]) -> list[DataType]:
        return list(dict.fromkeys(value))

    def endpoint_url(self) -> str:
        """``url`` if given, else ``wss://api.itick.org/stock`` or ``/forex``."""
        return self.url or f"{HOST}/{self.market}"


__all__ = ["DataType", "ItickOptions", "Market"]
