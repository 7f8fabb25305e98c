"""Secrets (webhook URLs, tokens, signing keys) never reach logs, reprs, errors or the API."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import structlog
from aiohttp import web
from prometheus_client import CollectorRegistry

from monitor.app.build import load
from monitor.errors import ConfigError
from monitor.notify.metrics import NotifyCollector
from monitor.notify.service import NotifyService
from monitor.notify.spool import Spool
from monitor.notify.testalert import send_test_alert
from monitor.settings.notify import NotifyConfig
from tests.support.notify import FakeTime, Receiver, notice
from tests.support.polling import eventually

SECRET = "S3CRET-token-do-not-leak"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver()
    await r.start()
    yield r
    await r.stop()


def config_yaml(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "dlmon.yaml"
    path.write_text(
        f"""
pairs:
  PONY: {{us: PONY, hk: 2026.HK, ads_ratio: 1}}
feeds:
  sim: {{type: simulator, instruments: [PONY, 2026.HK, USDHKD]}}
notify:
  spool_dir: {tmp_path / "spool"}
  sinks:
    desk:
      type: slack
      url: ${{DLMON_TEST_SLACK_URL}}
    tg:
      type: telegram
      token_file: {tmp_path / "tg-token"}
      chat_id: "-100"
      api_url: {url}
{extra}
""",
        encoding="utf-8",
    )
    (tmp_path / "tg-token").write_text(SECRET + "\n", encoding="utf-8")
    return path


async def test_secrets_stay_hidden_in_config_logs_errors_and_metrics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A URL whose secret path points to a closed port: the connection error must not leak it.
    monkeypatch.setenv("DLMON_TEST_SLACK_URL", f"http://127.0.0.1:9/services/{SECRET}")
    settings = load(config_yaml(tmp_path, "http://127.0.0.1:9"))
    assert settings.notify.sinks["tg"].token.get_secret_value() == SECRET  # type: ignore[union-attr]
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())

    ft = FakeTime()
    service = NotifyService(
        settings.notify, wall_ns=ft.wall_ns, monotonic=ft.monotonic, sleep=ft.sleep
    )
    with structlog.testing.capture_logs() as logs:
        await service.start()
        service.notify(notice(created_ns=ft.wall_ns()))
        await eventually(lambda: all(s.attempt_errors >= 2 for s in service.stats().values()))
        await service.close(drain_seconds=0)
    assert logs and SECRET not in repr(logs)
    assert all(SECRET not in s.last_error for s in service.stats().values())
    assert SECRET not in repr(service.stats()) and SECRET not in repr(service.config)

    registry = CollectorRegistry()
    NotifyCollector(service, registry=registry)
    from prometheus_client import generate_latest

    exposition = generate_latest(registry).decode()
    assert SECRET not in exposition
    assert 'dlmon_notifications_failed_total{sink="tg"} 0.0' in exposition
    assert registry.get_sample_value("dlmon_notification_spool_depth", {"sink": "desk"}) == 1.0


def test_invalid_secret_url_error_does_not_echo_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLMON_TEST_SLACK_URL", f"ftp:/{SECRET}")
    with pytest.raises(ConfigError) as err:
        load(config_yaml(tmp_path, "http://127.0.0.1:9"))
    assert "notify.sinks.desk.url:" in str(err.value)  # the key path, no union tag
    assert SECRET not in str(err.value)


def test_sink_repr_hides_url() -> None:
    cfg = NotifyConfig.model_validate(
        {"sinks": {"x": {"type": "feishu", "url": f"https://h/{SECRET}", "secret": SECRET}}}
    )
    assert SECRET not in repr(cfg) and SECRET not in str(cfg)


async def test_send_test_alert_exit_codes(
    receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DLMON_TEST_SLACK_URL", "http://127.0.0.1:9/x")
    receiver.respond = lambda _: web.json_response({"ok": True, "result": {}})
    settings = load(config_yaml(tmp_path, receiver.url("")))
    pending = Spool(settings.notify.spool_dir / "tg")  # the running daemon's backlog
    pending.write([notice(created_ns=FakeTime().wall_ns())])
    out = io.StringIO()
    assert await send_test_alert(settings.notify, settings.alert_dashboard_url, "tg", out) == 0
    assert out.getvalue() == "test alert delivered to tg\n"
    assert len(pending.load()) == 1  # test-alert touches neither queue nor spool
    [req] = receiver.requests
    assert req.path == f"/bot{SECRET}/sendMessage"
    assert "test alert from dlmon" in req.json()["text"]

    receiver.respond = lambda _: web.json_response({"ok": False}, status=401)
    out = io.StringIO()
    assert await send_test_alert(settings.notify, settings.alert_dashboard_url, "tg", out) == 1
    assert out.getvalue() == "test alert to tg failed: http 401\n"
    assert SECRET not in out.getvalue()

    out = io.StringIO()
    assert await send_test_alert(settings.notify, settings.alert_dashboard_url, "nope", out) == 2
    assert "unknown sink 'nope' (sinks: desk, tg)" in out.getvalue()
