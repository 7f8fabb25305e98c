"""Options of the provider (template)."""

from __future__ import annotations

from pydantic import SecretStr

from monitor.config import Model
from monitor.feeds.connection import ConnectionOptions


class TemplateOptions(Model):
    """Provider options: the extra keys of the feed's YAML section."""

    api_key: SecretStr
    url: str = "wss://stream.provider.example/v1"
    connection: ConnectionOptions = ConnectionOptions()
