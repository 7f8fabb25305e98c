"""The futu feed with the real futu SDK (no fake) when OpenD is not listening."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[3]


def test_real_sdk_times_out_backs_off_and_does_not_leak() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.futu_real_sdk_probe"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    errors = report["errors"]
    assert errors.get("timeout", 0) >= 3  # several sessions, each with a fresh context
    assert (
        f"TimeoutError: OpenD at 127.0.0.1:{report['port']} not ready within 0.3s"
        in report["reasons"]
    )
    assert report["stopped"] is True
    assert report["fd_growth"] <= 4  # closed contexts do not pile up sockets
