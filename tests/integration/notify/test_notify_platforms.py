"""Each platform's exact payload, URL, signature and success rule, against a local server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from monitor.notify.models import Status
from monitor.notify.service import NotifyService
from monitor.settings.notify import NotifyConfig
from tests.support.notify import (
    DASHBOARD,
    LINES,
    NS,
    T0,
    TITLE,
    FakeTime,
    Receiver,
    Recorded,
    notice,
)
from tests.support.polling import eventually

HEAD = f"🔴 FIRING [critical] {TITLE}"
BODY = "\n".join(LINES)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


async def deliver_one(
    receiver: Receiver, tmp_path: Path, sink: dict[str, Any], n: int = 1
) -> tuple[Recorded, NotifyService]:
    """Send ``n`` notices through a fresh service; return the first request."""
    ft = FakeTime()
    cfg = NotifyConfig.model_validate({"sinks": {"s": sink}, "spool_dir": str(tmp_path)})
    service = NotifyService(cfg, wall_ns=ft.wall_ns, monotonic=ft.monotonic, sleep=ft.sleep)
    await service.start()
    try:
        for i in range(1, n + 1):
            service.notify(notice(i))
        await eventually(lambda: service.stats()["s"].sent + service.stats()["s"].failed >= n)
    finally:
        await service.close(drain_seconds=0)
    return receiver.requests[0], service


async def test_slack_blocks_payload(receiver: Receiver, tmp_path: Path) -> None:
    req, service = await deliver_one(
        receiver, tmp_path, {"type": "slack", "url": receiver.url("/services/T0/B0/xyz")}
    )
    assert req.path == "/services/T0/B0/xyz"
    assert req.headers["Content-Type"] == "application/json; charset=utf-8"
    assert req.json() == {
        "text": HEAD,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{HEAD}*\n{BODY}"}},
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"<{DASHBOARD}|Open dashboard>"}],
            },
        ],
    }
    assert service.stats()["s"].sent == 1


async def test_slack_counts_only_an_ok_body_as_delivered(
    receiver: Receiver, tmp_path: Path
) -> None:
    receiver.respond = lambda _: web.Response(status=200, text="invalid_payload")
    _, service = await deliver_one(receiver, tmp_path, {"type": "slack", "url": receiver.url("/")})
    stats = service.stats()["s"]
    assert (stats.sent, stats.failed) == (0, 1)


async def test_discord_embeds_payload_and_wait_param(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response({"id": "1"})
    req, _ = await deliver_one(
        receiver,
        tmp_path,
        {"type": "discord", "url": receiver.url("/api/webhooks/1/tok"), "username": "dlmon"},
    )
    assert req.path == "/api/webhooks/1/tok" and req.query == {"wait": "true"}
    assert req.json() == {
        "embeds": [
            {
                "title": HEAD,
                "description": f"{BODY}\n[Open dashboard]({DASHBOARD})",
                "color": 0xE01E5A,
                "url": DASHBOARD,
                "timestamp": "2026-11-18T11:06:45.000+00:00",
            }
        ],
        "allowed_mentions": {"parse": []},
        "username": "dlmon",
    }


async def test_teams_adaptive_card_envelope_like_msteamsv2(
    receiver: Receiver, tmp_path: Path
) -> None:
    receiver.respond = lambda _: web.Response(status=202)
    req, service = await deliver_one(
        receiver, tmp_path, {"type": "teams", "url": receiver.url("/workflows/run")}
    )
    assert req.json() == {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.5",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": HEAD,
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                            "style": "heading",
                            "color": "Attention",
                        },
                        {
                            "type": "TextBlock",
                            "text": "\n\n".join([*LINES, f"[Open dashboard]({DASHBOARD})"]),
                            "wrap": True,
                        },
                    ],
                    "msteams": {"width": "full"},
                },
            }
        ],
    }
    assert service.stats()["s"].sent == 1


async def test_feishu_signed_post_payload(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response({"code": 0, "msg": "success", "data": {}})
    secret = "feishu-sign-secret"
    req, service = await deliver_one(
        receiver,
        tmp_path,
        {"type": "feishu", "url": receiver.url("/open-apis/bot/v2/hook/abc"), "secret": secret},
    )
    body = req.json()
    ts = body["timestamp"]
    assert ts == str(T0 // NS)  # seconds, as a string
    # Independent recomputation: the string is the HMAC key, the message is empty.
    key = f"{ts}\n{secret}".encode()
    expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected
    assert body == {
        "timestamp": ts,
        "sign": expected,
        "msg_type": "post",
        "content": {
            "post": {
                "zh_cn": {
                    "title": HEAD,
                    "content": [
                        [{"tag": "text", "text": LINES[0]}],
                        [{"tag": "text", "text": LINES[1]}],
                        [{"tag": "text", "text": LINES[2]}],
                        [{"tag": "a", "text": "Open dashboard", "href": DASHBOARD}],
                    ],
                }
            }
        },
    }
    assert service.stats()["s"].sent == 1


async def test_feishu_nonzero_code_is_not_delivered(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response({"code": 19021, "msg": "sign match fail"})
    _, service = await deliver_one(receiver, tmp_path, {"type": "feishu", "url": receiver.url("/")})
    assert (service.stats()["s"].sent, service.stats()["s"].failed) == (0, 1)
    assert service.stats()["s"].last_error == "feishu code 19021"


async def test_dingtalk_signed_markdown(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response({"errcode": 0, "errmsg": "ok"})
    secret = "SEC0123456789abcdef"
    req, service = await deliver_one(
        receiver,
        tmp_path,
        {
            "type": "dingtalk",
            "url": receiver.url("/robot/send?access_token=tok123"),
            "secret": secret,
        },
    )
    assert req.path == "/robot/send"
    assert req.query["access_token"] == "tok123"
    ts = req.query["timestamp"]
    assert ts == str(T0 // 1_000_000)  # milliseconds
    # Independent recomputation: key = secret, message = f"{ts}\n{secret}", then urlencode.
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    b64 = base64.b64encode(digest).decode()
    assert req.query["sign"] == b64
    assert f"sign={urllib.parse.quote_plus(b64)}" in req.query_string
    assert req.json() == {
        "msgtype": "markdown",
        "markdown": {
            "title": HEAD,
            "text": "\n\n".join([f"**{HEAD}**", *LINES, f"[Open dashboard]({DASHBOARD})"]),
        },
    }
    assert service.stats()["s"].sent == 1


async def test_dingtalk_errcode_nonzero_fails(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response({"errcode": 310000, "errmsg": "sign not match"})
    _, service = await deliver_one(
        receiver, tmp_path, {"type": "dingtalk", "url": receiver.url("/robot/send?access_token=t")}
    )
    assert service.stats()["s"].failed == 1


async def test_wecom_markdown(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response({"errcode": 0, "errmsg": "ok"})
    req, service = await deliver_one(
        receiver, tmp_path, {"type": "wecom", "url": receiver.url("/cgi-bin/webhook/send?key=k1")}
    )
    assert req.query == {"key": "k1"}
    head = f'<font color="warning">**{HEAD}**</font>'
    assert req.json() == {
        "msgtype": "markdown",
        "markdown": {"content": "\n".join([head, *LINES, f"[Open dashboard]({DASHBOARD})"])},
    }
    assert service.stats()["s"].sent == 1


async def test_telegram_send_message(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response({"ok": True, "result": {"message_id": 7}})
    req, service = await deliver_one(
        receiver,
        tmp_path,
        {
            "type": "telegram",
            "token": "123:ABC",
            "chat_id": -1001234,
            "message_thread_id": 42,
            "api_url": receiver.url(""),
        },
    )
    assert req.path == "/bot123:ABC/sendMessage"
    assert req.json() == {
        "chat_id": "-1001234",
        "text": "\n".join([f"<b>{HEAD}</b>", *LINES, f'<a href="{DASHBOARD}">Open dashboard</a>']),
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
        "message_thread_id": 42,
    }
    assert service.stats()["s"].sent == 1


async def test_telegram_ok_false_is_not_delivered(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.json_response(
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, status=400
    )
    _, service = await deliver_one(
        receiver,
        tmp_path,
        {"type": "telegram", "token": "1:A", "chat_id": "5", "api_url": receiver.url("")},
    )
    assert service.stats()["s"].failed == 1


async def test_webhook_alertmanager_v4_payload(receiver: Receiver, tmp_path: Path) -> None:
    receiver.respond = lambda _: web.Response(status=200)
    req, _ = await deliver_one(
        receiver,
        tmp_path,
        {"type": "webhook", "url": receiver.url("/hook"), "bearer_token": "s3cr3t"},
    )
    assert req.headers["Authorization"] == "Bearer s3cr3t"
    assert req.json() == {
        "version": "4",
        "groupKey": '{}:{alertname="premium_high", pair="PONY"}',
        "truncatedAlerts": 0,
        "status": "firing",
        "receiver": "s",
        "groupLabels": {"alertname": "premium_high", "pair": "PONY"},
        "commonLabels": {
            "alertname": "premium_high",
            "pair": "PONY",
            "severity": "critical",
            "basis": "mid",
        },
        "commonAnnotations": {
            "summary": TITLE,
            "description": BODY,
            "dedup_key": f"fp1:{T0}:firing:0",
            "value": "0.0235",
            "threshold": "0.02",
        },
        "externalURL": DASHBOARD,
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": "premium_high",
                    "pair": "PONY",
                    "severity": "critical",
                    "basis": "mid",
                },
                "annotations": {
                    "summary": TITLE,
                    "description": BODY,
                    "dedup_key": f"fp1:{T0}:firing:0",
                    "value": "0.0235",
                    "threshold": "0.02",
                },
                "startsAt": "2026-11-18T11:06:40Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": DASHBOARD,
                "fingerprint": "fp1",
            }
        ],
    }


async def test_resolved_rendering_and_send_resolved_false(
    receiver: Receiver, tmp_path: Path
) -> None:
    cfg = NotifyConfig.model_validate(
        {
            "sinks": {
                "all": {"type": "slack", "url": receiver.url("/a")},
                "firing_only": {
                    "type": "slack",
                    "url": receiver.url("/b"),
                    "send_resolved": False,
                },
            },
            "spool_dir": str(tmp_path),
        }
    )
    service = NotifyService(cfg, wall_ns=FakeTime().wall_ns)
    await service.start()
    try:
        assert service.notify(notice(status=Status.RESOLVED)) == ["all"]
        await eventually(lambda: service.stats()["all"].sent == 1)
    finally:
        await service.close(drain_seconds=0)
    [req] = receiver.requests
    assert req.json()["text"] == f"✅ RESOLVED {TITLE}"
