"""Options of the bus feed (``type: nats``)."""

from pathlib import Path

from pydantic import Field, SecretStr, field_serializer

from monitor.feeds.streaming import ConnectionOptions
from monitor.settings.base import Model
from monitor.settings.bus import masked_url

NAME = r"^[A-Za-z0-9_-]+$"


class NatsOptions(Model):
    """Consume one gateway feed's events from the tick bus (docs/scale-out.md).

    ``source`` is the name of the feed in the gateway's configuration (default: this
    feed's own name); events arrive under this feed's name, so its ``priority`` ranks
    it as usual. ``url``, ``stream`` and ``subject_prefix`` must match the gateway's
    ``bus:`` section. ``warmup_seconds`` > 0 replays that much of the stream before the
    daemon starts its clock (rolling windows are not empty after a restart), giving up
    after ``warmup_timeout_seconds``. With no health note from the gateway for
    ``gateway_silence_seconds`` the feed counts as down. ``token`` (or ``token_file``) or
    ``user_credentials`` authenticate, as in the ``bus:`` section.
    """

    url: str = "nats://127.0.0.1:4222"
    token: SecretStr | None = None  # or token_file: a path holding it
    user_credentials: Path | None = None  # a NATS .creds file (JWT and NKey seed)
    stream: str = Field(default="DLMON", pattern=NAME)
    subject_prefix: str = Field(default="dlmon", pattern=NAME)
    source: str | None = None
    warmup_seconds: float = Field(default=0.0, ge=0, le=7 * 86_400)
    warmup_timeout_seconds: float = Field(default=30.0, gt=0)
    gateway_silence_seconds: float = Field(default=5.0, gt=0)
    fetch_batch: int = Field(default=512, ge=1, le=10_000)
    fetch_wait_seconds: float = Field(default=0.5, gt=0, le=30)
    consumer_inactive_seconds: float = Field(default=30.0, gt=0)
    connect_timeout_seconds: float = Field(default=2.0, gt=0)
    connection: ConnectionOptions = ConnectionOptions()

    @field_serializer("url", when_used="json")
    def _mask_url(self, url: str) -> str:
        return masked_url(url)


__all__ = ["NatsOptions"]
