"""Options of the OANDA v20 pricing stream."""

from typing import Literal

from pydantic import Field, SecretStr

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model

HOSTS = {
    "practice": "https://stream-fxpractice.oanda.com",
    "live": "https://stream-fxtrade.oanda.com",
}


class OandaOptions(Model):
    """One OANDA v20 pricing stream (HTTP chunked, one JSON object per line)."""

    token: SecretStr
    account_id: str = Field(min_length=1)
    environment: Literal["practice", "live"] = "practice"
    url: str | None = None
    line_timeout_seconds: float = Field(default=10.0, gt=0)
    connection: ConnectionOptions = ConnectionOptions(fatal_retry_min_seconds=60.0)

    def stream_url(self) -> str:
        """``<host>/v3/accounts/<account>/pricing/stream`` (``url`` replaces the host)."""
        base = (self.url or HOSTS[self.environment]).rstrip("/")
        return f"{base}/v3/accounts/{self.account_id}/pricing/stream"
