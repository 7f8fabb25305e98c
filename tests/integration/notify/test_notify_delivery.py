"""Delivery guarantees: retries, 429 handling, rate limits, coalescing, spool, restart."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from monitor.notify.service import NotifyService
from monitor.settings.notify import NotifyConfig
from tests.support.notify import FakeTime, Receiver, Recorded, notice
from tests.support.polling import eventually


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


def service_for(sink: dict[str, Any], spool: Path, ft: FakeTime, **extra: Any) -> NotifyService:
    cfg = NotifyConfig.model_validate({"sinks": {"s": sink}, "spool_dir": str(spool), **extra})
    return NotifyService(
        cfg, wall_ns=ft.wall_ns, monotonic=ft.monotonic, sleep=ft.sleep, rng=lambda: 0.5
    )


def webhook_keys(req: Recorded) -> list[str]:
    return [a["annotations"]["dedup_key"] for a in req.json()["alerts"]]


async def test_outage_then_429_then_ok_delivers_each_key_exactly_once(
    receiver: Receiver, tmp_path: Path
) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    start = ft.mono
    state: dict[str, float] = {}

    def respond(rec: Recorded) -> web.Response:
        if rec.at - start < 60:  # a minute of 500s
            return web.Response(status=500, text="upstream down")
        if "429" not in state:
            state["429"] = rec.at
            return web.Response(status=429, headers={"Retry-After": "7"})
        return web.Response(status=200)

    receiver.respond = respond
    service = service_for({"type": "webhook", "url": receiver.url("/hook")}, tmp_path, ft)
    await service.start()
    try:
        for i in range(1, 4):
            service.notify(notice(i, created_ns=ft.wall_ns()))
        await eventually(lambda: len(receiver.requests) >= 2, what="retries under outage")
        for i in range(4, 7):  # more alerts arrive during the outage
            service.notify(notice(i, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 6, what="all delivered")
    finally:
        await service.close(drain_seconds=1)

    ok = [r for r in receiver.requests if r.at > state["429"]]
    keys = Counter(k for r in ok for k in webhook_keys(r))
    assert keys == Counter({notice(i).key: 1 for i in range(1, 7)})
    assert min(r.at for r in ok) >= state["429"] + 7  # Retry-After honoured
    statuses = [r.at - start < 60 for r in receiver.requests]
    assert statuses.count(True) >= 5  # retried with backoff through the outage
    assert len(ok) < 6  # coalesced: fewer messages than alerts
    stats = service.stats()["s"]
    assert (stats.sent, stats.failed, stats.spool_depth) == (6, 0, 0)
    assert stats.attempt_errors == len(receiver.requests) - len(ok)
    assert list(tmp_path.joinpath("s").glob("*.json")) == []
    backoffs = [b for b in ft.slept if b > 0]
    assert max(backoffs) <= 60.0


async def test_a_delivery_starts_the_retry_delays_over(receiver: Receiver, tmp_path: Path) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    failing = {1, 2, 4}  # request numbers answered with a 500

    def respond(rec: Recorded) -> web.Response:
        return web.Response(status=500 if len(receiver.requests) in failing else 200)

    receiver.respond = respond
    service = service_for({"type": "webhook", "url": receiver.url("/hook")}, tmp_path, ft)
    await service.start()
    try:
        service.notify(notice(1, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 1, what="first delivered")
        service.notify(notice(2, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 2, what="second delivered")
    finally:
        await service.close(drain_seconds=1)

    at = [r.at for r in receiver.requests]
    gaps = [later - earlier for earlier, later in zip(at, at[1:], strict=False)]
    # rng 0.5: initial 1 s * 0.75, doubling; the success between them resets the attempts
    assert gaps[0:2] == [pytest.approx(0.75), pytest.approx(1.5)]
    assert gaps[3] == pytest.approx(0.75)


async def test_telegram_retry_after_parameter_is_honoured(
    receiver: Receiver, tmp_path: Path
) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    answers = [
        web.json_response(
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 13",
                "parameters": {"retry_after": 13},
            },
            status=429,
        ),
        web.json_response({"ok": True, "result": {}}),
    ]
    receiver.respond = lambda _: answers.pop(0)
    sink = {"type": "telegram", "token": "1:A", "chat_id": "5", "api_url": receiver.url("")}
    service = service_for(sink, tmp_path, ft)
    await service.start()
    try:
        service.notify(notice(created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 1)
    finally:
        await service.close(drain_seconds=0)
    first, second = receiver.requests
    assert second.at - first.at >= 13


async def test_discord_rate_limit_headers_pause_the_sender(
    receiver: Receiver, tmp_path: Path
) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    receiver.respond = lambda _: web.json_response(
        {"id": "1"}, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "4.5"}
    )
    service = service_for(
        {"type": "discord", "url": receiver.url("/api/webhooks/1/t")}, tmp_path, ft
    )
    await service.start()
    try:
        service.notify(notice(1, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 1)
        service.notify(notice(2, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 2)
    finally:
        await service.close(drain_seconds=0)
    first, second = receiver.requests
    assert second.at - first.at >= 4.5


async def test_dingtalk_minute_limit_coalesces_the_overflow(
    receiver: Receiver, tmp_path: Path
) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    receiver.respond = lambda _: web.json_response({"errcode": 0, "errmsg": "ok"})
    sink = {"type": "dingtalk", "url": receiver.url("/robot/send?access_token=t")}
    service = service_for(sink, tmp_path, ft)
    await service.start()
    try:
        for i in range(1, 21):  # one at a time: 20 messages fill the minute
            service.notify(notice(i, created_ns=ft.wall_ns()))
            await eventually(lambda i=i: service.stats()["s"].sent == i)  # type: ignore[misc]
        for i in range(21, 26):
            service.notify(notice(i, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 25)
    finally:
        await service.close(drain_seconds=0)
    assert len(receiver.requests) == 21
    last = receiver.requests[-1]
    assert last.at - receiver.requests[0].at >= 60
    text = last.json()["markdown"]["text"]
    assert all(f"#{i}" in text for i in range(21, 26))
    assert last.json()["markdown"]["title"] == "5 dlmon alerts"


async def test_restart_with_non_empty_spool_delivers_it(receiver: Receiver, tmp_path: Path) -> None:
    ft = FakeTime()
    receiver.respond = lambda _: web.Response(status=503)
    sink = {"type": "webhook", "url": receiver.url("/hook")}
    first = service_for(sink, tmp_path, ft)
    await first.start()
    for i in range(1, 4):
        first.notify(notice(i, created_ns=ft.wall_ns()))
    await eventually(lambda: len(receiver.requests) >= 1)
    await first.close(drain_seconds=0)
    spooled = sorted(tmp_path.joinpath("s").glob("*.json"))
    assert len(spooled) == 3

    receiver.requests.clear()
    receiver.respond = lambda _: web.Response(status=200)
    second = service_for(sink, tmp_path, FakeTime())
    await second.start()
    try:
        await eventually(lambda: second.stats()["s"].sent == 3)
    finally:
        await second.close(drain_seconds=1)
    keys = Counter(k for r in receiver.requests for k in webhook_keys(r))
    assert keys == Counter({notice(i).key: 1 for i in range(1, 4)})
    assert list(tmp_path.joinpath("s").glob("*.json")) == []


async def test_notices_queued_but_never_sent_are_spooled_at_close(tmp_path: Path) -> None:
    ft = FakeTime()
    sink = {"type": "slack", "url": "http://127.0.0.1:9/never"}
    service = service_for(sink, tmp_path, ft)  # never started: no worker at all
    service.notify(notice(1, created_ns=ft.wall_ns()))
    await service.close()
    [spooled] = tmp_path.joinpath("s").glob("*.json")
    assert notice(1).key in spooled.read_text(encoding="utf-8")


async def test_spool_is_bounded_dropping_the_oldest(receiver: Receiver, tmp_path: Path) -> None:
    ft = FakeTime()
    receiver.respond = lambda _: web.Response(status=500)
    service = service_for(
        {"type": "webhook", "url": receiver.url("/")}, tmp_path, ft, spool_max_per_sink=3
    )
    for i in range(1, 6):
        service.notify(notice(i, created_ns=ft.wall_ns() + i))
    await service.flush()
    stats = service.stats()["s"]
    assert (stats.failed, stats.spool_depth) == (2, 3)
    assert len(list(tmp_path.joinpath("s").glob("*.json"))) == 3
    await service.close()


async def test_duplicate_key_is_queued_once(receiver: Receiver, tmp_path: Path) -> None:
    ft = FakeTime()
    receiver.respond = lambda _: web.Response(status=200)
    service = service_for({"type": "webhook", "url": receiver.url("/")}, tmp_path, ft)
    n = notice(1, created_ns=ft.wall_ns())
    service.notify(n)
    service.notify(n)
    await service.start()
    try:
        await eventually(lambda: service.stats()["s"].sent == 1)
    finally:
        await service.close(drain_seconds=0)
    assert [webhook_keys(r) for r in receiver.requests] == [[n.key]]


async def test_permanent_error_is_not_retried(receiver: Receiver, tmp_path: Path) -> None:
    ft = FakeTime()
    receiver.respond = lambda _: web.Response(status=404, text="no_service")
    service = service_for({"type": "slack", "url": receiver.url("/")}, tmp_path, ft)
    await service.start()
    try:
        service.notify(notice(1, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].failed == 1)
    finally:
        await service.close(drain_seconds=0)
    assert len(receiver.requests) == 1
    assert service.stats()["s"].last_error == "http 404"


async def test_gives_up_after_max_age_and_counts_it(receiver: Receiver, tmp_path: Path) -> None:
    ft = FakeTime()
    receiver.respond = lambda _: web.Response(status=503)
    sink = {"type": "webhook", "url": receiver.url("/")}
    service = service_for(sink, tmp_path, ft, max_age_seconds=120, retry_max_seconds=30)
    await service.start()
    try:
        service.notify(notice(1, created_ns=0))  # alert time does not matter (e.g. replay)
        await eventually(lambda: service.stats()["s"].failed == 1)
    finally:
        await service.close(drain_seconds=0)
    assert ft.mono - 1000.0 >= 120
    assert service.stats()["s"].sent == 0 and service.stats()["s"].attempt_errors >= 4
    assert list(tmp_path.joinpath("s").glob("*.json")) == []


async def test_a_platform_bug_delays_but_does_not_stop_the_sink(
    receiver: Receiver, tmp_path: Path
) -> None:
    from monitor.notify.base import Outcome
    from monitor.notify.webhook import WebhookPlatform

    class Flaky(WebhookPlatform):
        calls = 0

        def judge(self, status: int, headers: Mapping[str, str], body: bytes) -> Outcome:
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise KeyError("unexpected response shape")
            return super().judge(status, headers, body)

    ft = FakeTime()
    receiver.respond = lambda _: web.Response(status=200)
    cfg = NotifyConfig.model_validate(
        {"sinks": {"s": {"type": "webhook", "url": receiver.url("/")}}, "spool_dir": str(tmp_path)}
    )
    flaky = Flaky(receiver.url("/"), receiver="s")
    service = NotifyService(
        cfg, wall_ns=ft.wall_ns, monotonic=ft.monotonic, sleep=ft.sleep, platforms={"s": flaky}
    )
    await service.start()
    try:
        service.notify(notice(1, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 1)
    finally:
        await service.close(drain_seconds=0)
    assert Flaky.calls == 2 and service.stats()["s"].attempt_errors == 1
