"""Real promtool checks of the Prometheus config, the rules and their unit tests."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from tests.support.deploy import DEPLOY, dashboard_expressions

PROM = DEPLOY / "prometheus"
RULE_FILES = sorted((PROM / "rules").glob("*.yml"))
GRAFANA_VARS = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h"}


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)


def test_rule_files_pass_promtool_check_rules(promtool: str) -> None:
    result = run(promtool, "check", "rules", *map(str, RULE_FILES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(RULE_FILES) >= 2


def test_rule_unit_tests_pass(promtool: str) -> None:
    tests = sorted((PROM / "tests").glob("*.yml"))
    assert tests
    result = run(promtool, "test", "rules", *map(str, tests))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_has_a_unit_test() -> None:
    alerts = {
        rule["alert"]
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    tested = set(re.findall(r"alertname: (\w+)", (PROM / "tests" / "alerts_test.yml").read_text()))
    assert alerts - tested == set()


def test_scrape_config_passes_promtool_check_config(promtool: str, tmp_path: Path) -> None:
    # The shipped file points at the container paths; check it with the repository's rules.
    text = (PROM / "prometheus.yml").read_text()
    assert "/etc/prometheus/rules/*.yml" in text
    config = tmp_path / "prometheus.yml"
    config.write_text(text.replace("/etc/prometheus/rules", str(PROM / "rules")))
    result = run(promtool, "check", "config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(RULE_FILES)} rule files found" in result.stdout


def test_every_dashboard_expression_parses(promtool: str, tmp_path: Path) -> None:
    # promtool parses each recording rule's PromQL: wrap every panel query in one.
    exprs = dashboard_expressions()
    assert len(exprs) > 20
    rules = []
    for i, (_, expr) in enumerate(exprs):
        for var, value in GRAFANA_VARS.items():
            expr = expr.replace(var, value)
        expr = expr.replace("$pair", "PONY").replace("$window", "5m")
        assert "$" not in expr.replace('"$1"', ""), expr
        rules.append({"record": f"dashboard:query_{i}:check", "expr": expr})
    path = tmp_path / "dashboard_queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = run(promtool, "check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
