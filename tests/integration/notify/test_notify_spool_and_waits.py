"""A spool that cannot be written is counted, exported and retried; Retry-After is capped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from prometheus_client.registry import CollectorRegistry

from monitor.notify.metrics import NotifyCollector
from monitor.notify.service import NotifyService
from monitor.settings.notify import NotifyConfig
from tests.support.notify import FakeTime, Receiver, notice
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


async def test_a_failed_spool_write_is_exported_and_retried_once_the_disk_recovers(
    receiver: Receiver, tmp_path: Path
) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    blocker = tmp_path / "spool"
    blocker.write_text("a file where the spool directory should be")  # mkdir fails
    receiver.respond = lambda _: web.Response(status=500)  # keep the notice pending
    service = service_for({"type": "webhook", "url": receiver.url("/hook")}, blocker, ft)
    registry = CollectorRegistry()
    NotifyCollector(service, registry=registry)
    await service.start()
    try:
        service.notify(notice(1, created_ns=ft.wall_ns()))
        await service.flush()
        stats = service.stats()["s"]
        assert stats.spool_errors >= 1
        assert stats.spool_unwritten == 1
        errors = registry.get_sample_value("dlmon_notification_spool_errors_total", {"sink": "s"})
        assert errors is not None and errors >= 1
        assert registry.get_sample_value("dlmon_notification_spool_unwritten", {"sink": "s"}) == 1

        blocker.unlink()  # the disk recovers: the worker's next persist writes the notice
        await eventually(
            lambda: (
                service.stats()["s"].spool_unwritten == 0
                and len(list((blocker / "s").glob("*.json"))) == 1
            ),
            what="the notice spooled after the disk recovered",
        )
    finally:
        await service.close(drain_seconds=0)


async def test_retry_after_is_capped_by_the_setting_and_counted(
    receiver: Receiver, tmp_path: Path
) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    answers = [web.Response(status=429, headers={"Retry-After": "86400"}), web.Response()]
    receiver.respond = lambda _: answers.pop(0)
    sink = {"type": "webhook", "url": receiver.url("/hook")}
    service = service_for(sink, tmp_path, ft, retry_after_max_seconds=30)
    registry = CollectorRegistry()
    NotifyCollector(service, registry=registry)
    await service.start()
    try:
        service.notify(notice(1, created_ns=ft.wall_ns()))
        await eventually(lambda: service.stats()["s"].sent == 1, what="delivered after the cap")
    finally:
        await service.close(drain_seconds=0)
    first, second = receiver.requests
    assert 30 <= second.at - first.at < 32
    assert service.stats()["s"].retry_after_capped == 1
    sample = registry.get_sample_value("dlmon_notification_retry_after_capped_total", {"sink": "s"})
    assert sample == 1
