"""`dlmon run` on the built-in simulator config imports nothing that only an unconfigured
feature needs: no pandas or exchange_calendars (``sessions.mode: exchange``), no numpy, no
provider SDKs or wire codecs (websockets, msgpack, nats, ib_async, futu), no parquet,
plotting, browser or terminal libraries (pyarrow, matplotlib, playwright, jinja2,
rich, greenlet), no tick recorder or replay feed, no chat sink or Alertmanager client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.net import free_port, get
from tests.support.polling import wait_until

HEAVY = (
    "pandas",
    "exchange_calendars",
    "numpy",
    "websockets",
    "msgpack",
    "nats",
    "ib_async",
    "futu",
    "pyarrow",
    "matplotlib",
    "playwright",
    "jinja2",
)
UNCONFIGURED = (
    "monitor.recorder.recorder",
    "monitor.feeds.replay",
    "monitor.bus",
    # no chat sink or Alertmanager is configured: their clients and builders stay unloaded
    "monitor.notify.alertmanager",
    "monitor.notify.factory",
    "monitor.notify.slack",
    "monitor.notify.discord",
    "monitor.notify.teams",
    "monitor.notify.feishu",
    "monitor.notify.dingtalk",
    "monitor.notify.wecom",
    "monitor.notify.telegram",
    "monitor.notify.webhook",
)


def imported_modules(importtime_log: str) -> set[str]:
    """Module names from ``python -X importtime`` output ("import time: self | total | name")."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def test_default_run_serves_without_importing_what_it_does_not_use(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**os.environ, "DLMON_SERVER__PORT": str(port), "DLMON_LOG__FORMAT": "json"}
    env.pop("DLMON_CONFIG", None)
    log = tmp_path / "importtime.txt"
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "monitor", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=tmp_path,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until(lambda: get(base + "/readyz")[0] == 200)
            # every read path runs once: a scrape, the pairs API, the status page
            for path in ("/metrics", "/api/v1/pairs", "/"):
                assert get(base + path)[0] == 200, path
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
    modules = imported_modules(log.read_text())
    assert "monitor.app.daemon" in modules  # the log is what we think it is
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert not heavy, heavy
    # rich (in the test venv for `dlmon status`) stays out of structlog: the log names
    # `rich` itself only for the import attempt that finds it kept out
    rich = sorted(m for m in modules if m.startswith("rich."))
    assert not rich, rich
    # greenlet (in the test venv through playwright) likewise: named once, never loaded
    greenlet = sorted(m for m in modules if m.startswith("greenlet."))
    assert not greenlet, greenlet
    unconfigured = sorted(m for m in modules if m.startswith(UNCONFIGURED))
    assert not unconfigured, unconfigured
