"""Options of the Finnhub trades websocket."""

from pydantic import SecretStr

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model


class FinnhubOptions(Model):
    """One Finnhub socket (one per API key): US trades (IEX on the free plan) and FX prices."""

    api_key: SecretStr
    url: str = "wss://ws.finnhub.io"
    connection: ConnectionOptions = ConnectionOptions()

    def endpoint_url(self) -> str:
        """The socket URL with the key as the ``token`` query parameter."""
        separator = "&" if "?" in self.url else "?"
        return f"{self.url}{separator}token={self.api_key.get_secret_value()}"
