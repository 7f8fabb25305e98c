"""Pure pieces of delivery: rate limits, Retry-After, backoff, judging, truncation, config."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from monitor.notify.base import judge_http, parse_retry_after, truncate
from monitor.notify.discord import DiscordPlatform
from monitor.notify.factory import PLATFORM_BUILDERS, make_platform
from monitor.notify.feishu import FeishuPlatform
from monitor.notify.models import Notice, Status
from monitor.notify.ratelimit import SlidingWindow, TokenBucket, combined_delay, record_all
from monitor.notify.sender import RetryPolicy
from monitor.notify.spool import Spool
from monitor.notify.telegram import TEXT_MAX, TelegramPlatform
from monitor.notify.wecom import MARKDOWN_MAX_BYTES, WeComPlatform, render
from monitor.settings.notify import AlertmanagerSink, NotifyConfig, SinkConfig


def test_token_bucket_allows_burst_then_rate() -> None:
    b = TokenBucket(rate=1.0, capacity=2)
    assert b.delay(0.0) == 0.0
    b.record(0.0)
    b.record(0.0)
    assert b.delay(0.0) == pytest.approx(1.0)
    assert b.delay(0.5) == pytest.approx(0.5)
    assert b.delay(1.0) == 0.0


def test_sliding_window_is_exact_over_the_window() -> None:
    w = SlidingWindow(limit=20, window=60.0)
    for i in range(20):
        assert w.delay(i * 0.1) == 0.0
        w.record(i * 0.1)
    assert w.delay(2.0) == pytest.approx(58.0)
    assert w.delay(60.0) == 0.0  # the first send left the window


def test_feishu_has_per_second_and_per_minute_limits() -> None:
    p = FeishuPlatform("https://x")
    for i in range(100):
        now = i * 0.2  # 5 per second
        assert combined_delay(p.limits, now) == pytest.approx(0.0, abs=1e-9)
        record_all(p.limits, now)
    assert combined_delay(p.limits, 20.0) == pytest.approx(40.0)


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 22, 2, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Sun, 22 Nov 2026 02:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_judge_http_classes() -> None:
    assert judge_http(200, {}) is None
    limited = judge_http(429, {"Retry-After": "3"})
    assert limited is not None and limited.retryable and limited.retry_after == 3.0
    server = judge_http(502, {})
    assert server is not None and server.retryable
    client = judge_http(403, {})
    assert client is not None and not client.retryable


def test_backoff_grows_caps_and_jitters() -> None:
    p = RetryPolicy(initial_seconds=1.0, max_seconds=30.0)
    top = p.make_backoff(rng=lambda: 1.0)
    assert [top.next_delay() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    low = p.make_backoff(rng=lambda: 0.0)
    assert [low.next_delay() for _ in range(3)] == [0.5, 1.0, 2.0]  # jitter: [base/2, base)


def test_backoff_starts_over_after_a_reset() -> None:
    backoff = RetryPolicy(initial_seconds=1.0, max_seconds=30.0).make_backoff(rng=lambda: 1.0)
    assert [backoff.next_delay() for _ in range(3)] == [1, 2, 4]
    backoff.reset()
    assert backoff.next_delay() == 1


def test_backoff_with_an_initial_delay_above_the_cap_stays_at_the_cap() -> None:
    backoff = RetryPolicy(initial_seconds=90.0, max_seconds=60.0).make_backoff(rng=lambda: 1.0)
    assert [backoff.next_delay() for _ in range(2)] == [60, 60]


def test_every_sink_config_type_has_a_platform_builder() -> None:
    # Alertmanager sinks are not chat queues: monitor.notify.alertmanager posts their state.
    union, *_ = get_args(SinkConfig)
    assert set(PLATFORM_BUILDERS) == set(get_args(union)) - {AlertmanagerSink}


def test_make_platform_refuses_an_unknown_config_type() -> None:
    with pytest.raises(TypeError, match="'odd'"):
        make_platform("odd", object())  # type: ignore[arg-type]


def test_discord_429_body_retry_after() -> None:
    p = DiscordPlatform("https://d/api/webhooks/1/t")
    out = p.judge(429, {}, b'{"message":"You are being rate limited.","retry_after":0.75}')
    assert out.retryable and out.retry_after == 0.75


def notice(i: int, lines: int = 1) -> Notice:
    return Notice(
        key=f"k{i}",
        fingerprint="f",
        status=Status.FIRING,
        rule="r",
        pair="PONY",
        severity="warning",
        title=f"alert {i}",
        lines=tuple("x" * 100 for _ in range(lines)),
    )


def test_telegram_never_cuts_inside_a_notice_and_reports_what_it_carried() -> None:
    p = TelegramPlatform("t", "5")
    req = p.build([notice(i, lines=10) for i in range(10)], 0)
    assert req.count is not None and 1 <= req.count < 10
    assert len(req.body.decode()) < TEXT_MAX + 200


def test_wecom_markdown_is_cut_to_its_byte_limit() -> None:
    payload = render([notice(i, lines=60) for i in range(1)])
    assert len(payload["markdown"]["content"].encode()) <= MARKDOWN_MAX_BYTES
    assert truncate("ééé", 5, encoding="utf-8") == "é…"
    req = WeComPlatform("https://w").build([notice(i, lines=15) for i in range(5)], 0)
    assert req.count == 2  # whole notices only; the rest go in the next message


def test_notice_round_trips_through_json_dict() -> None:
    n = notice(1)
    assert Notice.from_dict(n.to_dict()) == n
    with pytest.raises(ValueError):
        Notice.from_dict({"key": "x"})


def test_routes_must_name_known_sinks_and_match() -> None:
    with pytest.raises(ValidationError, match="unknown sink"):
        NotifyConfig.model_validate({"routes": [{"sinks": ["nope"]}]})
    cfg = NotifyConfig.model_validate(
        {
            "sinks": {"s": {"type": "slack", "url": "https://hooks.slack.com/services/x"}},
            "routes": [{"sinks": ["s"], "severities": ["critical"], "pairs": ["PONY"]}],
        }
    )
    route = cfg.routes[0]
    assert route.matches("critical", "PONY", "any")
    assert not route.matches("warning", "PONY", "any")
    assert not route.matches("critical", "BABA", "any")


def test_cli_test_alert_unknown_sink_exit_code(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor import logs
    from monitor.cli import main

    # Keep the global logging setup of the test session (it would bind to capsys' stream).
    monkeypatch.setattr(logs, "configure_logging", lambda *_: None)
    assert main(["test-alert", "--sink", "nope"]) == 2
    assert "unknown sink 'nope'" in capsys.readouterr().out


def test_spool_round_trip_sets_corrupt_files_aside(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "sink")
    spool.write([notice(1), notice(2)])
    (tmp_path / "sink" / "00000000000000000000-garbage.json").write_text("{", encoding="utf-8")
    loaded = spool.load()
    assert sorted(n.key for n, _ in loaded) == ["k1", "k2"]
    assert [p.name for p in (tmp_path / "sink").glob("*.bad")] == [
        "00000000000000000000-garbage.bad"
    ]
    spool.remove([notice(1)])
    assert [n.key for n, _ in spool.load()] == ["k2"]
