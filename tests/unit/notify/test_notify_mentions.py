"""Mentions for critical alerts: Slack <!here>, DingTalk at, Feishu <at>, Telegram @name."""

from __future__ import annotations

import json

from monitor.notify.base import Mentions
from monitor.notify.factory import make_platform
from monitor.notify.models import Notice, Status
from monitor.settings.notify import NotifyConfig


def notice(severity: str = "critical", status: Status = Status.FIRING) -> Notice:
    return Notice("k", "f", status, "premium_high", "PONY", severity, "PONY · premium <high>")


def platform(sink: dict[str, object]) -> object:
    cfg = NotifyConfig.model_validate({"sinks": {"s": sink}})
    return make_platform("s", cfg.sinks["s"])


def body(sink: dict[str, object], *notices: Notice) -> dict[str, object]:
    p = platform(sink)
    data: dict[str, object] = json.loads(p.build(list(notices), 1_795_000_000 * 10**9).body)  # type: ignore[attr-defined]
    return data


def test_mentions_apply_to_firing_alerts_of_the_severity_only() -> None:
    m = Mentions(("here",), "critical")
    assert m.applies([notice()])
    assert not m.applies([notice("warning")])
    assert not m.applies([notice(status=Status.RESOLVED)])
    assert Mentions(("here",), "warning").applies([notice("warning")])
    assert not Mentions((), "info").applies([notice()])


def test_slack_mentions_are_real_mentions_not_escaped() -> None:
    sink = {
        "type": "slack",
        "url": "https://hooks.slack.com/x",
        "mentions": ["here", "U024BE7LH", "S0614TZR7"],
    }
    data = body(sink, notice())
    tokens = "<!here> <@U024BE7LH> <!subteam^S0614TZR7>"
    assert str(data["text"]).startswith(tokens + " 🔴 FIRING")
    assert "&lt;high&gt;" in str(data["text"])  # the alert text itself stays escaped
    assert data["blocks"][0] == {"type": "section", "text": {"type": "mrkdwn", "text": tokens}}  # type: ignore[index]
    assert "<!here>" not in str(body(sink, notice("warning")))


def test_dingtalk_at_all_and_mobiles_named_in_the_text() -> None:
    sink = {
        "type": "dingtalk",
        "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
        "mentions": ["all", "13800000000"],
    }
    data = body(sink, notice())
    assert data["at"] == {"isAtAll": True, "atMobiles": ["13800000000"]}
    assert str(data["markdown"]["text"]).endswith("@13800000000")  # type: ignore[index]
    assert "at" not in body(sink, notice(status=Status.RESOLVED))


def test_feishu_at_paragraph_first() -> None:
    sink = {"type": "feishu", "url": "https://open.feishu.cn/x", "mentions": ["all"]}
    post = body(sink, notice())["content"]["post"]["zh_cn"]  # type: ignore[index]
    assert post["content"][0] == [{"tag": "at", "user_id": "all"}]


def test_telegram_mention_line_first_and_escaped() -> None:
    sink = {
        "type": "telegram",
        "token": "1:A",
        "chat_id": "5",
        "mentions": ["@oncall", "@desk_lead"],
    }
    text = str(body(sink, notice())["text"])
    assert text.startswith("@oncall @desk_lead\n\n<b>🔴 FIRING [critical]")
