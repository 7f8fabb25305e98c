"""Build a platform object from a sink's configuration (the only place secrets are revealed)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import SecretStr

from monitor.notify.base import Mentions, Platform
from monitor.notify.dingtalk import DingTalkPlatform
from monitor.notify.discord import DiscordPlatform
from monitor.notify.feishu import FeishuPlatform
from monitor.notify.slack import SlackPlatform
from monitor.notify.teams import TeamsPlatform
from monitor.notify.telegram import TelegramPlatform
from monitor.notify.webhook import WebhookPlatform
from monitor.notify.wecom import WeComPlatform
from monitor.settings.notify import (
    DingTalkSink,
    DiscordSink,
    FeishuSink,
    SinkBase,
    SinkConfig,
    SlackSink,
    TeamsSink,
    TelegramSink,
    WebhookSink,
    WeComSink,
)


def _reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def _mentions(cfg: SinkBase) -> Mentions:
    return Mentions(tuple(cfg.mentions), cfg.mention_severity)


def _slack(name: str, cfg: SlackSink) -> Platform:
    return SlackPlatform(cfg.url.get_secret_value(), cfg.max_batch, _mentions(cfg))


def _discord(name: str, cfg: DiscordSink) -> Platform:
    return DiscordPlatform(cfg.url.get_secret_value(), cfg.username, max_batch=cfg.max_batch)


def _teams(name: str, cfg: TeamsSink) -> Platform:
    return TeamsPlatform(cfg.url.get_secret_value(), max_batch=cfg.max_batch)


def _feishu(name: str, cfg: FeishuSink) -> Platform:
    url, secret = cfg.url.get_secret_value(), _reveal(cfg.secret)
    return FeishuPlatform(url, secret, max_batch=cfg.max_batch, mentions=_mentions(cfg))


def _dingtalk(name: str, cfg: DingTalkSink) -> Platform:
    url, secret = cfg.url.get_secret_value(), _reveal(cfg.secret)
    return DingTalkPlatform(url, secret, max_batch=cfg.max_batch, mentions=_mentions(cfg))


def _wecom(name: str, cfg: WeComSink) -> Platform:
    return WeComPlatform(cfg.url.get_secret_value(), max_batch=cfg.max_batch)


def _telegram(name: str, cfg: TelegramSink) -> Platform:
    return TelegramPlatform(
        cfg.token.get_secret_value(),
        cfg.chat_id,
        api_url=cfg.api_url,
        message_thread_id=cfg.message_thread_id,
        disable_notification=cfg.disable_notification,
        max_batch=cfg.max_batch,
        mentions=_mentions(cfg),
    )


def _webhook(name: str, cfg: WebhookSink) -> Platform:
    return WebhookPlatform(
        cfg.url.get_secret_value(),
        receiver=name,
        bearer_token=_reveal(cfg.bearer_token),
        rate_per_second=cfg.rate_per_second,
        max_alerts=cfg.max_alerts,
        max_batch=cfg.max_batch,
    )


PLATFORM_BUILDERS: Mapping[type[SinkBase], Callable[[str, Any], Platform]] = {
    SlackSink: _slack,
    DiscordSink: _discord,
    TeamsSink: _teams,
    FeishuSink: _feishu,
    DingTalkSink: _dingtalk,
    WeComSink: _wecom,
    TelegramSink: _telegram,
    WebhookSink: _webhook,
}
"""The builder of each sink config type: ``builder(sink name, config) -> Platform``."""


def make_platform(name: str, cfg: SinkConfig) -> Platform:
    """Return the platform for sink ``name`` configured by ``cfg``."""
    build = PLATFORM_BUILDERS.get(type(cfg))
    if build is None:
        raise TypeError(f"unknown sink type for {name!r}")
    return build(name, cfg)
