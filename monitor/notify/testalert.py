"""``dlmon test-alert --sink NAME``: send one sample notice to a configured sink."""

from __future__ import annotations

import sys
import time
import uuid
from typing import TextIO

import aiohttp

from monitor.notify.models import Notice, Status
from monitor.notify.service import NotifyService
from monitor.settings.notify import NotifyConfig


def sample_notice(dashboard_url: str | None, now_ns: int) -> Notice:
    """A realistic, clearly labelled test notice."""
    return Notice(
        key=f"test-{uuid.uuid4().hex}",
        fingerprint="test-alert",
        status=Status.FIRING,
        rule="test_alert",
        pair="PONY",
        severity="info",
        title="PONY · test alert from dlmon: delivery check, no action needed",
        lines=(
            "If you can read this, the sink is configured correctly.",
            "mid premium +1.23 % (+123 bp) · threshold +2.00 % (+200 bp) [sample values]",
        ),
        labels={"test": "true"},
        starts_at_ns=now_ns,
        created_ns=now_ns,
        url=dashboard_url,
    )


async def send_test_alert(
    notify: NotifyConfig, dashboard_url: str | None, sink_name: str, out: TextIO | None = None
) -> int:
    """Send a test notice to ``sink_name``; return 0 on confirmed delivery, 1 on failure,
    2 when the sink is not configured."""
    stream = out or sys.stdout
    if sink_name not in notify.sinks:
        known = ", ".join(sorted(notify.sinks)) or "none configured"
        print(f"unknown sink {sink_name!r} (sinks: {known})", file=stream)
        return 2
    only = notify.model_copy(update={"sinks": {sink_name: notify.sinks[sink_name]}, "routes": []})
    # No start(): the daemon may be running on the same spool; touch neither queue nor spool.
    async with aiohttp.ClientSession(trust_env=True) as session:
        service = NotifyService(only, session=session)
        outcome = await service.send_once(sink_name, sample_notice(dashboard_url, time.time_ns()))
    if outcome.ok:
        print(f"test alert delivered to {sink_name}", file=stream)
        return 0
    print(f"test alert to {sink_name} failed: {outcome.reason}", file=stream)
    return 1
