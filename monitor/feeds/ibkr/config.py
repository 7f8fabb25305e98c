"""Options of the ``ibkr`` feed (TWS or IB Gateway through ``ib_async``)."""

from typing import Literal

from pydantic import Field

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model

MarketDataType = Literal["live", "frozen", "delayed", "delayed_frozen"]

MARKET_DATA_TYPE_CODES: dict[str, int] = {
    "live": 1,
    "frozen": 2,
    "delayed": 3,
    "delayed_frozen": 4,
}
MARKET_DATA_TYPE_NAMES: dict[int, str] = {v: k for k, v in MARKET_DATA_TYPE_CODES.items()}


class IbkrContract(Model):
    """An explicit IB contract for one canonical instrument (overrides the derived one)."""

    sec_type: Literal["STK", "CASH"] = "STK"
    symbol: str
    exchange: str = "SMART"
    currency: str = "USD"
    primary_exchange: str = ""


class IbkrOptions(Model):
    """Connection to a local TWS / IB Gateway and the market data type to request.

    ``market_data_type`` ``live`` needs the exchange subscriptions (NASDAQ: "US Securities
    Snapshot and Futures Value Bundle" or NASDAQ TotalView; HK: "Hong Kong Securities
    Exchange (Stocks, Warrants, Indices)"); ``delayed`` works without them (15 min late).
    """

    host: str = "127.0.0.1"
    port: int = Field(default=4002, ge=1, le=65535)  # Gateway paper; 4001 live, 7496/7497 TWS
    client_id: int = Field(default=17, ge=0)
    market_data_type: MarketDataType = "live"
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    entitlement_retry_seconds: float = Field(default=600.0, gt=0)
    contracts: dict[str, IbkrContract] = Field(default_factory=dict)
    connection: ConnectionOptions = ConnectionOptions()  # backoff and fatal retry timing


__all__ = [
    "MARKET_DATA_TYPE_CODES",
    "MARKET_DATA_TYPE_NAMES",
    "IbkrContract",
    "IbkrOptions",
    "MarketDataType",
]
