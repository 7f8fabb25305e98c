"""End to end: every catalogue pair on the simulator with the premium index, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitor.core.catalogue import catalogue
from tests.support.net import free_port, get
from tests.support.polling import wait_until

ROOT = Path(__file__).resolve().parents[2]
UNIVERSE = ROOT / "config" / "examples" / "universe.yaml"


@pytest.fixture
def universe(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "DLMON_SERVER__PORT": str(port), "DLMON_LOG__FORMAT": "json"}
    env.pop("DLMON_CONFIG", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(UNIVERSE)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def get_json(url: str) -> Any:
    status, body = get(url)
    assert status == 200, (status, body[:200])
    return json.loads(body)


def test_universe_serves_every_catalogue_pair_with_the_index(universe: str) -> None:
    def index_with_most_constituents() -> dict[str, Any] | None:
        body: dict[str, Any] = get_json(universe + "/api/v1/index")
        return body if body["value"] is not None and body["included"] >= 10 else None

    index = wait_until(index_with_most_constituents, within=30)
    assert 90 < index["value"] < 110
    assert {c["pair"] for c in index["constituents"]} == set(catalogue())
    weights = [c["target_weight"] for c in index["constituents"] if c["target_weight"]]
    assert sum(weights) == pytest.approx(1.0) and max(weights) <= 0.25 + 1e-9

    def all_premiums() -> list[dict[str, Any]] | None:
        rows: list[dict[str, Any]] = get_json(universe + "/api/v1/pairs?sort=premium")
        return rows if all(r["premium"]["mid"] is not None for r in rows) else None

    rows = wait_until(all_premiums, within=30)
    assert {r["pair"] for r in rows} == set(catalogue())
    premiums = [r["premium"]["mid"] for r in rows]
    assert premiums == sorted(premiums, reverse=True)
    ranking = get_json(universe + "/api/v1/ranking")
    assert ranking["richest"][0]["pair"] == rows[0]["pair"]

    status, body = get(universe + "/metrics")
    assert status == 200
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    assert len(families["dlmon_pair_info"].samples) == len(catalogue())
    assert families["dlmon_index_value"].samples[0].labels == {"index": "hk_us"}
