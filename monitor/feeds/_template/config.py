"""Options of the provider (template)."""

from pydantic import SecretStr

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model


class TemplateOptions(Model):
    """Provider options: the extra keys of the feed's YAML section."""

    api_key: SecretStr
    url: str = "wss://stream.provider.example/v1"
    connection: ConnectionOptions = ConnectionOptions()
