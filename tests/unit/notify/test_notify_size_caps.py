"""Per-platform size caps, throttling codes, card versions and escaping (issue 14, defect 2/6)."""

from __future__ import annotations

import html
import json
import re

from monitor.notify.dingtalk import DingTalkPlatform
from monitor.notify.discord import TOTAL_MAX, DiscordPlatform, embed_chars
from monitor.notify.feishu import BODY_MAX_BYTES as FEISHU_MAX
from monitor.notify.feishu import FeishuPlatform
from monitor.notify.models import Notice, Status
from monitor.notify.slack import SlackPlatform
from monitor.notify.teams import BODY_MAX_BYTES as TEAMS_MAX
from monitor.notify.teams import TeamsPlatform
from monitor.notify.telegram import TEXT_MAX, TelegramPlatform
from monitor.notify.wecom import MARKDOWN_MAX_BYTES, WeComPlatform

CJK_LINE = "港股美股双重上市溢价监控" * 30  # 330 characters, 990 UTF-8 bytes


def notice(i: int, lines: tuple[str, ...] = ("x" * 100,), title: str = "", url: str = "") -> Notice:
    return Notice(
        key=f"k{i}",
        fingerprint=f"f{i}",
        status=Status.FIRING,
        rule="premium_high",
        pair="PONY",
        severity="critical",
        title=title or f"PONY · premium_high: mid premium +2.35 % #{i}",
        lines=lines,
        url=url or None,
    )


def test_discord_keeps_every_message_within_6000_characters_and_carries_the_rest() -> None:
    # 202-character dashboard URLs and CJK lines: ten embeds would total well over 6,000.
    url = "https://grafana.example/d/" + "a" * 176
    assert len(url) == 202
    batch = [notice(i, lines=(CJK_LINE, CJK_LINE), url=url) for i in range(10)]
    req = DiscordPlatform("https://discord.com/api/webhooks/1/t").build(batch, 0)
    embeds = json.loads(req.body)["embeds"]
    assert sum(embed_chars(e) for e in embeds) <= TOTAL_MAX
    assert req.count == len(embeds) < 10  # the sender sends the others next


def test_teams_cuts_one_long_notice_to_28_kb_and_uses_card_1_5_for_headings() -> None:
    huge = notice(1, lines=tuple(CJK_LINE for _ in range(60)))  # ~60 KB of text
    req = TeamsPlatform("https://teams").build([huge, notice(2)], 0)
    assert len(req.body) <= TEAMS_MAX
    assert req.count == 1
    card = json.loads(req.body)["attachments"][0]["content"]
    assert card["version"] == "1.5"
    assert card["body"][0]["style"] == "heading"
    assert card["body"][1]["text"].endswith("…")


def test_feishu_cuts_a_single_notice_over_20_kb() -> None:
    huge = notice(1, lines=tuple(CJK_LINE for _ in range(40)))
    req = FeishuPlatform("https://feishu", secret="s").build([huge], 1_795_000_000 * 10**9)
    assert len(req.body) <= FEISHU_MAX
    assert req.count == 1
    assert json.loads(req.body)["sign"]  # still signed after the cut


def test_dingtalk_cuts_a_single_long_notice_and_backs_off_ten_minutes_when_throttled() -> None:
    p = DingTalkPlatform("https://oapi.dingtalk.com/robot/send?access_token=x")
    huge = notice(1, lines=tuple(CJK_LINE for _ in range(40)))
    req = p.build([huge], 0)
    assert len(req.body) <= 20_000
    assert json.loads(req.body)["markdown"]["text"].endswith("…")
    out = p.judge(200, {}, b'{"errcode":130101,"errmsg":"send too fast"}')
    assert out.retryable and out.retry_after == 600.0


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_telegram_fallback_counts_utf16_units_and_never_cuts_inside_an_entity() -> None:
    # Emoji are two UTF-16 units; "&" escapes to the 5-character entity "&amp;".
    line = ("😀 A&B <x> " * 400).strip()
    req = TelegramPlatform("t", "5").build([notice(1, lines=(line,))], 0)
    text = json.loads(req.body)["text"]
    assert utf16_units(text) <= TEXT_MAX
    assert text.endswith("…")
    assert html.unescape(re.sub(r"</?b>", "", text)).count("<x>") > 0
    # every "&" starts a whole entity: nothing like "&am" at the cut
    assert re.findall(r"&(?!amp;|lt;|gt;|quot;|#x27;)", text) == []
    assert text.startswith("<b>") and "</b>" in text  # the tags are whole


def test_wecom_cuts_one_long_notice_in_its_text_never_inside_the_font_tag() -> None:
    long_title = "PONY · " + "溢价" * 2000  # the headline alone is over 4096 bytes
    req = WeComPlatform("https://w").build([notice(1, title=long_title)], 0)
    content = json.loads(req.body)["markdown"]["content"]
    assert len(content.encode()) <= MARKDOWN_MAX_BYTES
    assert content.startswith('<font color="warning">**')
    assert content.count("<font") == content.count("</font>") == 1


def test_slack_top_level_text_is_escaped_like_the_blocks() -> None:
    n = notice(1, title="PONY · spread <wide> & rising")
    body = json.loads(SlackPlatform("https://hooks.slack.com/x").build([n], 0).body)
    assert "&lt;wide&gt; &amp; rising" in body["text"]
    assert "<wide>" not in body["text"]
