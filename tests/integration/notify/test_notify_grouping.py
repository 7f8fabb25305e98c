"""Grouping per route like Alertmanager's (configuration.md, <route>): group_by batches
alerts of one cluster and alertname into one notification; group_wait holds a new group's
first one; group_interval spaces the next ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from monitor.notify.grouping import Groups, group_key
from monitor.notify.models import Notice, Status
from monitor.notify.service import NotifyService
from monitor.settings.notify import NotifyConfig
from tests.support.notify import T0, FakeTime, Receiver
from tests.support.polling import eventually


def test_group_key_by_labels_all_labels_or_one_group() -> None:
    labels = {"cluster": "A", "alertname": "LatencyHigh", "pod": "p1"}
    assert group_key(["cluster", "alertname"], labels) == ("A", "LatencyHigh")
    assert group_key(["cluster", "service"], labels) == ("A", "")  # missing = empty
    assert group_key([], labels) == ()  # no group_by: one group for the route
    assert group_key(["..."], labels) == tuple(sorted(labels.items()))


def test_group_wait_then_group_interval() -> None:
    g = Groups()
    assert g.release_at("A", now=0, wait=30, interval=300) == 30  # a new group waits
    assert g.release_at("A", now=10, wait=30, interval=300) == 30  # joins that message
    assert g.release_at("B", now=10, wait=30, interval=300) == 40  # another group
    assert g.release_at("A", now=60, wait=30, interval=300) == 330  # next: after interval
    fresh = Groups()
    assert fresh.release_at("A", 0, 30, 300) == 30
    assert fresh.release_at("A", 1000, 30, 300) == 1030  # long quiet: a new first message


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    r = Receiver(respond=lambda _: web.Response(status=200))
    await r.start()
    yield r
    await r.stop()


def alert(n: int, cluster: str) -> Notice:
    return Notice(
        key=f"k{n}",
        fingerprint=f"f{n}",
        status=Status.FIRING,
        rule="LatencyHigh",
        pair="PONY",
        severity="warning",
        title=f"alert {n}",
        labels={"cluster": cluster},
        starts_at_ns=T0,
        created_ns=T0 + n,
    )


async def test_grouped_messages_on_a_local_receiver(receiver: Receiver, tmp_path: Path) -> None:
    ft = FakeTime()
    receiver.clock = ft.monotonic
    config = NotifyConfig.model_validate(
        {
            "spool_dir": str(tmp_path),
            "sinks": {"s": {"type": "webhook", "url": receiver.url("/hook")}},
            "routes": [
                {
                    "sinks": ["s"],
                    "group_by": ["cluster", "alertname"],
                    "group_wait": "30s",
                    "group_interval": "5m",
                }
            ],
        }
    )
    service = NotifyService(
        config, wall_ns=ft.wall_ns, monotonic=ft.monotonic, sleep=ft.sleep, rng=lambda: 0.5
    )
    start = ft.mono
    await service.start()
    try:
        for n, cluster in ((1, "A"), (2, "A"), (3, "B"), (5, "C")):
            service.notify(alert(n, cluster))
        # "If an alert is resolved before group_wait has elapsed, no notification will be
        # sent for that alert."
        service.notify(alert(5, "C")._replace(key="k5r", status=Status.RESOLVED))
        await eventually(lambda: service.stats()["s"].sent == 3, what="the first messages")
        # The spool file of a delivered message is removed by a task of its own.
        await eventually(
            lambda: not list(tmp_path.joinpath("s").glob("*.json")), what="an empty spool"
        )
        service.notify(alert(4, "A"))  # group A sent at +30 s: the next waits for 5 min
        await eventually(lambda: service.stats()["s"].sent == 4, what="the next message")
    finally:
        await service.close(drain_seconds=1)
    messages = [
        (
            round(r.at - start),
            sorted(a["labels"]["cluster"] + a["fingerprint"] for a in r.json()["alerts"]),
        )
        for r in receiver.requests
    ]
    assert messages == [(30, ["Af1", "Af2"]), (30, ["Bf3"]), (330, ["Af4"])]
