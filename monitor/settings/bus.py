"""Settings of the tick bus on NATS JetStream (the ``bus:`` section; docs/scale-out.md).

``dlmon gateway`` publishes to it and ``dlmon record`` consumes it; a daemon's feeds of
``type: nats`` carry their own connection options. The defaults suit one server on the
same host: a file-backed stream keeping a day of ticks within 1 GiB.
"""

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_serializer

from monitor.settings.base import Model

NAME = r"^[A-Za-z0-9_-]+$"
_USERINFO = re.compile(r"://[^/@,]*@")


def masked_url(url: str) -> str:
    """``url`` with any user and password shown as ``**********`` (``check-config``)."""
    return _USERINFO.sub("://**********@", url)


class BusConfig(Model):
    """Where the bus is, what its stream keeps, and how the gateway publishes to it.

    The stream (``stream``) holds the subjects ``<subject_prefix>.ticks.>`` and
    ``<subject_prefix>.health.>`` and keeps messages for ``max_age_seconds`` and at most
    ``max_bytes`` (the oldest go first). The gateway queues at most ``queue_size`` events
    while the bus is slow or away (then drops and counts), packs up to ``batch_events``
    events of one instrument into one message, sends what it has every
    ``flush_interval_seconds``, keeps at most ``max_pending_acks`` publishes awaiting the
    server's acknowledgement, and states each feed's health every ``heartbeat_seconds``
    (and at once on a change). ``recorder_durable`` names the durable consumer of
    ``dlmon record``. ``token`` (or ``token_file``) or ``user_credentials``
    authenticate; they never appear in messages, nor does a password in ``url``.
    """

    url: str = "nats://127.0.0.1:4222"
    token: SecretStr | None = None  # or token_file: a path holding it
    user_credentials: Path | None = None  # a NATS .creds file (JWT and NKey seed)
    stream: str = Field(default="DLMON", pattern=NAME)
    subject_prefix: str = Field(default="dlmon", pattern=NAME)
    max_age_seconds: float = Field(default=86_400.0, gt=0)
    max_bytes: int = Field(default=1 << 30, ge=1 << 16)
    storage: Literal["file", "memory"] = "file"
    replicas: int = Field(default=1, ge=1, le=5)
    queue_size: int = Field(default=100_000, ge=1)
    batch_events: int = Field(default=256, ge=1, le=10_000)
    flush_interval_seconds: float = Field(default=0.005, gt=0, le=5)
    max_pending_acks: int = Field(default=4_000, ge=1)
    heartbeat_seconds: float = Field(default=1.0, gt=0, le=60)
    connect_timeout_seconds: float = Field(default=2.0, gt=0)
    recorder_durable: str = Field(default="dlmon-recorder", pattern=NAME)

    @field_serializer("url", when_used="json")
    def _mask_url(self, url: str) -> str:
        return masked_url(url)


__all__ = ["BusConfig", "masked_url"]
