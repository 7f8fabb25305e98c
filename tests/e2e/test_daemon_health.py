"""End to end: the daemon's own health on /metrics, and state kept out of the cwd."""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.net import free_port, get
from tests.support.polling import wait_until

CONFIG = """
sessions: {mode: always_open}
pairs:
  PONY: {us: PONY, hk: 2026.HK, ads_ratio: 1}
feeds:
  sim: {type: simulator, mode: demo, instruments: [PONY, 2026.HK, USDHKD]}
alerts:
  rules:
    always: {kind: premium, threshold: -10, for_seconds: 0}
"""


@pytest.fixture
def started(tmp_path: Path) -> Iterator[tuple[str, Path, Path, subprocess.Popen[bytes]]]:
    port, cwd, state = free_port(), tmp_path / "cwd", tmp_path / "xdg"
    cwd.mkdir()
    config = tmp_path / "dlmon.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    env = {**os.environ, "DLMON_SERVER__PORT": str(port), "XDG_STATE_HOME": str(state)}
    env.pop("DLMON_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(config)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=cwd,
    )
    try:
        yield f"http://127.0.0.1:{port}", cwd, state, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_process_python_and_build_metrics_and_state_outside_the_cwd(
    started: tuple[str, Path, Path, subprocess.Popen[bytes]],
) -> None:
    base, cwd, state, proc = started
    wait_until(lambda: get(base + "/readyz")[0] == 200)
    status, body = get(base + "/metrics")
    assert status == 200
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    for name in (
        "process_resident_memory_bytes",
        "process_cpu_seconds",
        "process_open_fds",
        "process_start_time_seconds",
        "python_info",
        "python_gc_collections",
    ):
        assert name in families, name
    (build,) = families["dlmon_build_info"].samples
    assert build.labels["python_version"] == platform.python_version()
    assert build.labels["version"] and "revision" in build.labels
    wait_until(lambda: json.loads(get(base + "/api/v1/alerts")[1]))  # a rule is firing
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    assert (state / "dlmon" / "alerts").is_dir()  # alert state was saved here on stop
    assert list(cwd.iterdir()) == []  # and nothing appeared where the daemon was started
