"""config/examples/alerts.yaml loads and validates with every rule kind and sink type."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.app.build import load

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "examples" / "alerts.yaml"
ENV = (
    "SLACK_WEBHOOK_URL",
    "DISCORD_WEBHOOK_URL",
    "TEAMS_WORKFLOW_URL",
    "FEISHU_WEBHOOK_URL",
    "FEISHU_SECRET",
    "DINGTALK_WEBHOOK_URL",
    "DINGTALK_SECRET",
    "WECOM_WEBHOOK_URL",
    "ALERT_WEBHOOK_URL",
)


def test_example_alerts_config_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.setenv(name, f"https://example.invalid/{name.lower()}")
    token = tmp_path / "token"
    token.write_text("123:ABC\n", encoding="utf-8")
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "/run/secrets/telegram_bot_token", str(token)
    )
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")

    settings = load(path)

    kinds = {r.kind for r in settings.alerts.rules.values()}
    assert kinds == {
        "premium",
        "premium_change",
        "edge",
        "zscore",
        "stale_leg",
        "feed_down",
        "fx_band",
        "spread",
        "turnover_spike",
        "no_trades",
    }
    types = {s.type for s in settings.notify.sinks.values()}
    assert types == {
        "slack",
        "discord",
        "teams",
        "feishu",
        "dingtalk",
        "wecom",
        "telegram",
        "webhook",
    }
    assert settings.notify.sinks["oncall_telegram"].token.get_secret_value() == "123:ABC"  # type: ignore[union-attr]
