"""Options of the generic JSON websocket feed, configured by field mappings."""

from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model

TsUnit = Literal["s", "ms", "us", "ns", "iso"]


class FieldPaths(Model):
    """Dotted paths (``data.0.bp``) of each field inside one record."""

    instrument: str
    bid: str | None = None
    ask: str | None = None
    bid_size: str | None = None
    ask_size: str | None = None
    price: str | None = None
    size: str | None = None
    ts: str | None = None
    ts_unit: TsUnit = "ms"

    @model_validator(mode="after")
    def _check_prices(self) -> "FieldPaths":
        if (self.bid is None) != (self.ask is None):
            raise ValueError("bid and ask go together")
        if self.bid is None and self.price is None:
            raise ValueError("give bid and ask, or price, or all three")
        return self


class GenericOptions(Model):
    """An in-house JSON websocket.

    Messages are templates: strings may contain ``{token}`` and ``{symbol}``, and a string
    that is exactly ``"{symbols}"`` becomes the list of provider symbols. A
    ``subscribe_message`` with ``{symbol}`` is sent once per symbol, otherwise once.
    """

    url: str
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    token: SecretStr | None = None
    auth_message: Any = None
    subscribe_message: Any = None
    records: str = ""
    match: dict[str, str] = Field(default_factory=dict)
    fields: FieldPaths
    size_multiplier: float = Field(default=1.0, gt=0)
    ping_message: Any = None
    ping_interval_seconds: float | None = Field(default=None, gt=0)
    connection: ConnectionOptions = ConnectionOptions()
