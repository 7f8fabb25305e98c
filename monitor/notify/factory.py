"""Build a platform object from a sink's configuration (the only place secrets are revealed)."""

from __future__ import annotations

from monitor.notify.base import Platform
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
    SinkConfig,
    SlackSink,
    TeamsSink,
    TelegramSink,
    WebhookSink,
    WeComSink,
)


def make_platform(name: str, cfg: SinkConfig) -> Platform:  # noqa: C901 - a flat dispatch
    """Return the platform for sink ``name`` configured by ``cfg``."""
    batch = cfg.max_batch
    if isinstance(cfg, SlackSink):
        return SlackPlatform(cfg.url.get_secret_value(), max_batch=batch)
    if isinstance(cfg, DiscordSink):
        return DiscordPlatform(cfg.url.get_secret_value(), cfg.username, max_batch=batch)
    if isinstance(cfg, TeamsSink):
        return TeamsPlatform(cfg.url.get_secret_value(), max_batch=batch)
    if isinstance(cfg, FeishuSink):
        secret = cfg.secret.get_secret_value() if cfg.secret else None
        return FeishuPlatform(cfg.url.get_secret_value(), secret, max_batch=batch)
    if isinstance(cfg, DingTalkSink):
        secret = cfg.secret.get_secret_value() if cfg.secret else None
        return DingTalkPlatform(cfg.url.get_secret_value(), secret, max_batch=batch)
    if isinstance(cfg, WeComSink):
        return WeComPlatform(cfg.url.get_secret_value(), max_batch=batch)
    if isinstance(cfg, TelegramSink):
        return TelegramPlatform(
            cfg.token.get_secret_value(),
            cfg.chat_id,
            api_url=cfg.api_url,
            message_thread_id=cfg.message_thread_id,
            disable_notification=cfg.disable_notification,
            max_batch=batch,
        )
    if isinstance(cfg, WebhookSink):
        token = cfg.bearer_token.get_secret_value() if cfg.bearer_token else None
        return WebhookPlatform(
            cfg.url.get_secret_value(),
            receiver=name,
            bearer_token=token,
            rate_per_second=cfg.rate_per_second,
            max_alerts=cfg.max_alerts,
            max_batch=batch,
        )
    raise TypeError(f"unknown sink type for {name!r}")
