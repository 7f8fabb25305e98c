"""End to end: `dlmon run` as a subprocess, as a user starts it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitor.core.fees import FeeSchedule
from tests.support.net import free_port, get
from tests.support.oracle import edge_buy_hk_sell_us, edge_buy_us_sell_hk, mid_premium
from tests.support.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]


def promtool_check_metrics(exposition: bytes) -> None:
    """Lint the exposition with Prometheus's own checker (Debian package `prometheus`)."""
    promtool = shutil.which("promtool")
    if promtool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("promtool is missing in CI (.ci/run installs the prometheus package)")
        return
    result = subprocess.run(
        [promtool, "check", "metrics"], input=exposition, capture_output=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = {**os.environ, "DLMON_SERVER__PORT": str(port), "DLMON_LOG__FORMAT": "json"}
    env.pop("DLMON_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,  # outside the repository: the built-in default must be enough
    )
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()


def test_daemon_serves_a_moving_premium_and_stops_cleanly(
    daemon: tuple[subprocess.Popen[bytes], str],
) -> None:
    proc, base = daemon
    started = time.monotonic()
    wait_until(lambda: get(base + "/readyz")[0] == 200)
    assert time.monotonic() - started < 10
    assert get(base + "/healthz")[0] == 200

    status, body = get(base + "/metrics")
    assert status == 200
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    for name in (
        "dlmon_premium_ratio",
        "dlmon_price",
        "dlmon_fx_rate",
        "dlmon_quoted_spread_ratio",
        "dlmon_top_of_book_depth_usd",
        "dlmon_turnover_usd",
        "dlmon_last_update_timestamp_seconds",
        "dlmon_market_open",
        "dlmon_feed_up",
        "dlmon_feed_messages",
        "dlmon_pair_info",
        "dlmon_build_info",
        "dlmon_ingest_latency_seconds",
        "dlmon_event_loop_lag_seconds",
    ):
        assert name in families, name
    bases = {s.labels["basis"] for s in families["dlmon_premium_ratio"].samples}
    assert bases == {"mid", "buy_hk_sell_us", "buy_us_sell_hk"}
    promtool_check_metrics(body)

    def premium_view() -> dict[str, Any]:
        status, body = get(base + "/api/v1/pairs")
        assert status == 200
        (pony,) = json.loads(body)
        assert pony["premium"]["mid"] is not None
        return dict(pony)

    first = wait_until(premium_view)
    assert first["pair"] == "PONY" and first["ads_ratio"] == 1.0
    us, hk, fx = first["us"], first["hk"], first["fx"]
    assert first["premium"]["mid"] == pytest.approx(
        mid_premium(us["mid"], fx["mid"], hk["mid"], 1.0), rel=1e-12
    )
    fees = FeeSchedule()
    assert first["premium"]["buy_hk_sell_us"] == pytest.approx(
        edge_buy_hk_sell_us(us["bid"], hk["ask"], fx["bid"], 1.0, fees, 100_000), rel=1e-12
    )
    assert first["premium"]["buy_us_sell_hk"] == pytest.approx(
        edge_buy_us_sell_hk(us["ask"], hk["bid"], fx["ask"], 1.0, fees, 100_000), rel=1e-12
    )
    assert us["source"] == "sim" and hk["exchange_timestamp"].endswith("+00:00")
    # the premium moves
    wait_until(lambda: premium_view()["premium"]["mid"] != first["premium"]["mid"])

    proc.send_signal(signal.SIGTERM)
    stop_started = time.monotonic()
    assert proc.wait(timeout=5) == 0
    assert time.monotonic() - stop_started < 5
    output = proc.stdout.read().decode() if proc.stdout else ""
    assert '"event":"dlmon_stopped"' in output


def test_sigint_also_stops_with_exit_code_zero(
    daemon: tuple[subprocess.Popen[bytes], str],
) -> None:
    proc, base = daemon
    wait_until(lambda: get(base + "/healthz")[0] == 200)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=5) == 0
