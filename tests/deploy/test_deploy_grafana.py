"""Grafana: the committed dashboards are what the generator builds, and they are consistent."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.support.deploy import DEPLOY

GRAFANA = DEPLOY / "grafana"
GENERATOR = GRAFANA / "generate.py"


def load_generator() -> ModuleType:
    pytest.importorskip("grafana_foundation_sdk", reason="install the dev extra")
    spec = importlib.util.spec_from_file_location("dlmon_grafana_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dashboards() -> dict[str, dict[str, Any]]:
    return {
        p.name: json.loads(p.read_text()) for p in sorted((GRAFANA / "dashboards").glob("*.json"))
    }


def datasource_uid() -> str:
    provisioning = yaml.safe_load(
        (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    (source,) = provisioning["datasources"]
    uid: str = source["uid"]
    return uid


def test_committed_json_matches_the_generator() -> None:
    rendered = load_generator().render_all()
    committed = {p.name: p.read_text() for p in (GRAFANA / "dashboards").glob("*.json")}
    assert set(rendered) == set(committed)
    for name, text in rendered.items():
        assert committed[name] == text, f"{name} is stale: run python deploy/grafana/generate.py"


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    generator = load_generator()
    setattr(generator, "OUT_DIR", tmp_path)  # noqa: B010 - a module loaded from a path
    assert generator.main(["--check"]) == 1
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0


def test_every_query_uses_the_provisioned_datasource() -> None:
    uid = datasource_uid()
    for name, board in dashboards().items():
        refs = [t["datasource"] for p in board["panels"] for t in p.get("targets", [])]
        refs += [p["datasource"] for p in board["panels"] if p["type"] != "row"]
        refs += [a["datasource"] for a in board.get("annotations", {}).get("list", [])]
        refs += [v["datasource"] for v in board.get("templating", {}).get("list", [])]
        assert refs, name
        assert all(r == {"type": "prometheus", "uid": uid} for r in refs), name


def test_panels_have_unique_ids_and_fit_the_grid_without_overlap() -> None:
    for name, board in dashboards().items():
        panels = board["panels"]
        ids = [p["id"] for p in panels]
        assert len(ids) == len(set(ids)), name
        cells: set[tuple[int, int]] = set()
        for p in panels:
            g = p["gridPos"]
            assert 0 <= g["x"] and g["x"] + g["w"] <= 24, (name, p["title"])
            area = {
                (x, y)
                for x in range(g["x"], g["x"] + g["w"])
                for y in range(g["y"], g["y"] + g["h"])
            }
            assert not area & cells, (name, p["title"])
            cells |= area


def test_main_dashboard_has_the_promised_rows_and_pair_variable() -> None:
    board = dashboards()["dlmon-main.json"]
    rows = [p["title"] for p in board["panels"] if p["type"] == "row"]
    assert rows == [
        "Premium",
        "Legs and FX",
        "Liquidity",
        "Analytics",
        "Sessions and feed health",
        "Alerts and notifications",
    ]
    variables = {v["name"]: v for v in board["templating"]["list"]}
    assert variables["pair"]["query"] == "label_values(dlmon_pair_info, pair)"
    annotations = {a["name"] for a in board["annotations"]["list"]}
    assert {"HK session", "US session", "dlmon alerts", "Prometheus alerts"} <= annotations
    exprs = " ".join(t["expr"] for p in board["panels"] for t in p.get("targets", []))
    for metric in (
        "dlmon_premium_ratio",
        "dlmon_price",
        "dlmon_fx_rate",
        "dlmon_quoted_spread_ratio",
        "dlmon_top_of_book_depth_usd",
        "pair_leg:dlmon_turnover_usd:share",
        "dlmon_market_open",
        "dlmon_feed_up",
        "dlmon_alerts_firing",
        "dlmon_ingest_latency_seconds_bucket",
        "dlmon_event_loop_lag_seconds_bucket",
        "dlmon_premium_zscore",
        "dlmon_premium_half_life_seconds",
        "dlmon_implied_fx_rate",
        "dlmon_turnover_share_ratio",
    ):
        assert metric in exprs


def test_universe_dashboard_has_the_index_heat_map_ranking_and_movers() -> None:
    board = dashboards()["dlmon-universe.json"]
    rows = [p["title"] for p in board["panels"] if p["type"] == "row"]
    assert rows == ["Premium index", "Cross-section"]
    by_title = {p["title"]: p for p in board["panels"]}
    assert by_title["Premium heat map"]["type"] == "status-history"
    exprs = " ".join(t["expr"] for p in board["panels"] for t in p.get("targets", []))
    for fragment in (
        "dlmon_index_value",
        "dlmon_index_weight",
        'sort_desc(dlmon_premium_ratio{basis="mid"})',
        "dlmon_premium_zscore",
        'delta(dlmon_premium_ratio{basis="mid"}[1h])',
        'count(dlmon_premium_ratio{basis=~"buy_.*"} > 0) or on () vector(0)',
    ):
        assert fragment in exprs
