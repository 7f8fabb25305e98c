"""The ``notify:`` section: notification sinks, routes and the delivery spool.

Every URL and token is a :class:`~pydantic.SecretStr`; give it in YAML as ``${ENV_VAR}``
or as ``<field>_file: /path/to/secret`` (e.g. ``url_file``). A sink receives every alert
unless ``routes`` are configured, in which case it receives what a matching route sends it.
"""

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)

from monitor.matchers import match_all, parse_list
from monitor.settings.base import Model

Severity = Literal["info", "warning", "critical"]


_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$")


def parse_seconds(value: Any) -> Any:
    """Accept seconds (``30``) or an Alertmanager-style duration (``30s``, ``5m``, ``1h30m``)."""
    if isinstance(value, str) and value.strip() and not value.strip().replace(".", "").isdigit():
        m = _DURATION.match(value.strip())
        if m is None:
            raise ValueError(f"not a duration: {value!r} (e.g. 30, 30s, 5m, 1h)")
        h, mi, sec = m.groups()
        return int(h or 0) * 3600 + int(mi or 0) * 60 + float(sec or 0)
    return value


Seconds = Annotated[float, BeforeValidator(parse_seconds)]


def _check_http_url(value: SecretStr) -> SecretStr:
    parts = urlsplit(value.get_secret_value())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL (value hidden)")
    return value


class SinkBase(Model):
    """Options every sink has."""

    send_resolved: bool = True
    min_severity: Severity = "info"
    timeout_seconds: float = Field(default=10.0, gt=0)
    max_batch: int | None = Field(default=None, ge=1, description="alerts per coalesced message")
    mentions: list[str] = Field(
        default=[],
        description="mentioned on firing alerts of mention_severity (Slack, DingTalk, Feishu, "
        "Telegram; see docs/alerts.md)",
    )
    mention_severity: Severity = "critical"


class _UrlSink(SinkBase):
    url: SecretStr

    @field_validator("url")
    @classmethod
    def _url(cls, value: SecretStr) -> SecretStr:
        return _check_http_url(value)


class SlackSink(_UrlSink):
    """Slack incoming webhook (``https://hooks.slack.com/services/...``)."""

    type: Literal["slack"]


class DiscordSink(_UrlSink):
    """Discord channel webhook (``https://discord.com/api/webhooks/{id}/{token}``)."""

    type: Literal["discord"]
    username: str | None = None


class TeamsSink(_UrlSink):
    """Microsoft Teams Workflows (Power Automate) webhook receiving an Adaptive Card."""

    type: Literal["teams"]


class FeishuSink(_UrlSink):
    """Feishu / Lark custom bot; ``secret`` enables signing."""

    type: Literal["feishu"]
    secret: SecretStr | None = None


class DingTalkSink(_UrlSink):
    """DingTalk custom robot (URL with ``access_token``); ``secret`` enables signing."""

    type: Literal["dingtalk"]
    secret: SecretStr | None = None


class WeComSink(_UrlSink):
    """WeCom (企业微信) group robot (URL with ``key``)."""

    type: Literal["wecom"]


class TelegramSink(SinkBase):
    """Telegram Bot API ``sendMessage`` to one chat (optionally one forum topic)."""

    type: Literal["telegram"]
    token: SecretStr
    chat_id: str
    message_thread_id: int | None = None
    disable_notification: bool = False
    api_url: str = "https://api.telegram.org"

    @field_validator("chat_id", mode="before")
    @classmethod
    def _chat_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class WebhookSink(_UrlSink):
    """Generic JSON webhook receiving Alertmanager's webhook payload (version 4)."""

    type: Literal["webhook"]
    bearer_token: SecretStr | None = None
    max_alerts: int = Field(default=0, ge=0, description="0 = no limit")
    rate_per_second: float = Field(default=5.0, gt=0)


class AlertmanagerSink(SinkBase):
    """One or more Alertmanager instances, fed through their v2 API like Prometheus does:
    every alert is posted to every URL, firing ones re-sent every ``resend_seconds``."""

    type: Literal["alertmanager"]
    urls: list[str] = Field(min_length=1, description="Alertmanager base URLs")
    bearer_token: SecretStr | None = None
    resend_seconds: float = Field(default=60.0, gt=0, description="Prometheus resend_delay")
    resolved_retention_seconds: float = Field(
        default=900.0, ge=0, description="keep re-sending a resolve this long (Prometheus: 15m)"
    )
    generator_url: str | None = Field(default=None, description="default: the dashboard link")

    @field_validator("urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        for url in value:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ValueError(f"not an http(s) URL: {url!r}")
        return [url.rstrip("/") for url in value]


SinkConfig = Annotated[
    SlackSink
    | DiscordSink
    | TeamsSink
    | FeishuSink
    | DingTalkSink
    | WeComSink
    | TelegramSink
    | WebhookSink
    | AlertmanagerSink,
    Field(discriminator="type"),
]


class RouteConfig(Model):
    """Send alerts matching every given criterion (empty = any) to ``sinks``.

    ``matchers`` are Alertmanager label matchers (``=``, ``!=``, ``=~``, ``!~``) on the
    alert's labels. ``continue: false`` stops at this route when it matches (Alertmanager's
    default); dlmon's default ``true`` keeps trying the next routes (every matching route's
    sinks receive the alert).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sinks: list[str] = Field(min_length=1)
    severities: list[Severity] = Field(default=[])
    pairs: list[str] = Field(default=[])
    rules: list[str] = Field(default=[])
    matchers: list[str] = Field(default=[])
    continue_: bool = Field(default=True, alias="continue")
    group_by: list[str] = Field(
        default=[], description="labels that make a group ('...' = every label)"
    )
    group_wait: Seconds = Field(default=0.0, ge=0, description="hold a new group's first message")
    group_interval: Seconds = Field(default=0.0, ge=0, description="between a group's messages")

    @field_validator("matchers")
    @classmethod
    def _matchers(cls, value: list[str]) -> list[str]:
        parse_list(value)  # raises ValueError with the reason
        return value

    def labels_match(self, labels: Mapping[str, str]) -> bool:
        """Whether every matcher matches ``labels`` (true without matchers)."""
        return match_all(parse_list(self.matchers), labels) if self.matchers else True

    def matches(self, severity: str, pair: str, rule: str) -> bool:
        """Whether an alert with these attributes takes this route."""
        return (
            (not self.severities or severity in self.severities)
            and (not self.pairs or pair in self.pairs)
            and (not self.rules or rule in self.rules)
        )


class NotifyConfig(Model):
    """Notification sinks, routing and delivery settings (no sinks: nothing is sent)."""

    sinks: dict[str, SinkConfig] = Field(default={})
    routes: list[RouteConfig] = Field(default=[])
    default_sinks: list[str] = Field(
        default=[], description="sinks of alerts no route matched (catch-all)"
    )
    spool_dir: Path = Path("state/notify")
    spool_max_per_sink: int = Field(default=1000, ge=1)
    retry_initial_seconds: float = Field(default=1.0, gt=0)
    retry_max_seconds: float = Field(default=60.0, gt=0)
    max_age_seconds: float = Field(default=86_400.0, gt=0, description="give up after")
    retry_after_max_seconds: float = Field(
        default=300.0, gt=0, description="cap on a platform's Retry-After / rate-limit wait"
    )
    shutdown_flush_seconds: float = Field(default=1.5, ge=0)

    @model_validator(mode="after")
    def _check_routes(self) -> "NotifyConfig":
        for i, route in enumerate(self.routes):
            unknown = [s for s in route.sinks if s not in self.sinks]
            if unknown:
                raise ValueError(f"routes[{i}]: unknown sink(s) {', '.join(unknown)}")
        unknown = [s for s in self.default_sinks if s not in self.sinks]
        if unknown:
            raise ValueError(f"default_sinks: unknown sink(s) {', '.join(unknown)}")
        for name in self.sinks:
            if not name or "/" in name or name.startswith("."):
                raise ValueError(f"sinks: invalid sink name {name!r}")
        return self


def sink_types(sinks: Mapping[str, SinkBase]) -> dict[str, str]:
    """Return ``{sink name: type}`` (safe to log: no secrets)."""
    return {name: str(getattr(cfg, "type", "?")) for name, cfg in sinks.items()}
