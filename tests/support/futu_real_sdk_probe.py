"""Run the futu feed with the REAL futu SDK against a closed port; print a JSON report.

Run in a subprocess by test_futu_real_sdk.py: futu's network manager leaves socketpairs
to the garbage collector (ResourceWarning), which the test suite's warnings-as-errors
setting would turn into failures in unrelated code.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time

from monitor.feeds.base import FeedState
from monitor.feeds.futu import FEED_TYPE, FutuOptions
from tests.support.feeds import Recorder, Spec, fast_connection_data


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def main() -> dict[str, object]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    rec = Recorder("futu")
    options = FutuOptions.model_validate(
        {"port": port, "connect_timeout_seconds": 0.3, "connection": fast_connection_data()}
    )
    feed = FEED_TYPE.factory(Spec("futu", "futu", ["PONY", "2026.HK"]), options, rec.ctx)
    before = open_fds()
    task = asyncio.create_task(feed.run())
    reasons: set[str] = set()
    deadline = time.monotonic() + 20
    while rec.health.errors_total.get("timeout", 0) < 3 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)  # poll: sample every reason the feed reports
        reasons.add(rec.health.reason)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return {
        "port": port,
        "errors": rec.health.errors_total,
        "reasons": sorted(r for r in reasons if r),
        "stopped": rec.health.state is FeedState.STOPPED,
        "fd_growth": open_fds() - before,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())), flush=True)
