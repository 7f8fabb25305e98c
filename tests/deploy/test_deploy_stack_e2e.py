"""End to end: ``dlmon run`` on the built-in simulator config, scraped by a real Prometheus.

Prometheus (the Debian package) loads the shipped recording and alerting rules and scrapes
dlmon on 127.0.0.1 every second. Then every PromQL expression of every dashboard panel,
annotation and variable, and every rule, is evaluated through Prometheus's HTTP API. Each
must evaluate without error and return at least one series, except the few listed in
``EXPECTED_EMPTY`` with the reason. Every metric an expression selects must exist too,
except those in ``ABSENT_ON_SIMULATOR``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.deploy import DEPLOY, dashboard_expressions
from tests.support.net import free_port

RULE_FILES = sorted((DEPLOY / "prometheus" / "rules").glob("*.yml"))
DEADLINE_SECONDS = 40.0

# Grafana's built-in variables, as Grafana would resolve them for a 1 s scrape interval.
GRAFANA_BUILTINS = {"$__rate_interval": "10s", "$__interval": "1s", "$__range": "1h"}

# Alerting-rule expressions are empty while nothing is wrong; each reason says why the
# simulator (healthy, always in session, USD/HKD mid-band) never trips it.
EXPECTED_EMPTY = {
    "alert DlmonPremiumHigh": "simulator premium stays inside the +2 % / +0.1 % thresholds",
    "alert DlmonPremiumLow": "simulator premium stays above -2 %",
    "alert DlmonPremiumAbsent": "every pair seen has a premium on the simulator",
    "alert DlmonPremiumMissing": "every configured pair has a premium",
    "alert DlmonLegStale": "simulator legs update every few hundred ms",
    "alert DlmonFeedDown": "the simulator feed is always up",
    "alert DlmonFeedErrors": "the simulator sends no bad payloads",
    "alert DlmonUsdHkdNearWeakSide": "simulated USD/HKD stays mid-band",
    "alert DlmonUsdHkdNearStrongSide": "simulated USD/HKD stays mid-band",
    "alert DlmonDown": "dlmon is up during the test",
    "alert DlmonTargetMissing": "the dlmon target exists",
    "alert DlmonNotificationsFailing": "the default config has no chat sinks",
    "alert DlmonNotificationBacklog": "the default config has no chat sinks",
    "alert DlmonNotificationSpoolFailing": "the default config has no chat sinks",
    "alert DlmonTaskRestarts": "no background task crashes during the test",
    # Panel/annotation queries that show alerts only while one is pending or firing.
    "dlmon-main.json: Prometheus alerts pending or firing [A]": "no Prometheus alert fires",
    "dlmon-main.json: annotation Prometheus alerts": "no Prometheus alert fires",
    "dlmon-main.json: annotation dlmon alerts": "no dlmon alert rule fires",
    # The tick bus row reads `dlmon gateway`, which this stack does not run.
    **{
        f"dlmon-overview.json: {panel} [{ref}]": "no dlmon gateway in this stack"
        for panel, refs in (
            ("Gateway connected to the bus", "A"),
            ("Bus: published, dropped, failed", "ABCD"),
        )
        for ref in refs
    },
}

# Metrics that exist only after something happened (first error, first notification, ...).
ABSENT_ON_SIMULATOR = {
    "ALERTS": "no Prometheus alert is pending or firing",
    "dlmon_feed_errors_total": "created per error kind on its first error",
    "dlmon_notifications_sent_total": "one series per configured chat sink; default has none",
    "dlmon_notifications_failed_total": "one series per configured chat sink; default has none",
    "dlmon_notification_spool_depth": "one series per configured chat sink; default has none",
    "dlmon_notification_spool_errors_total": "one series per configured chat sink; none here",
    "dlmon_events_rejected_total": "created per instrument and reason on the first rejection",
    "dlmon_premium_half_life_upper_seconds": "absent while the 95 % interval is unbounded, as it"
    " often is after a few seconds of simulated data (the test failed on main ~1 run in 3)",
    **{
        name: "exported by `dlmon gateway`, not by `dlmon run`"
        for name in (
            "dlmon_bus_connected",
            "dlmon_bus_published_events_total",
            "dlmon_bus_dropped_events_total",
            "dlmon_bus_failed_events_total",
            "dlmon_bus_queue_events",
        )
    },
}

NAME = re.compile(r"(?<![\w:{\"$])([a-zA-Z_][a-zA-Z0-9_]*(?::[a-zA-Z0-9_]+)*)(?=\s*[{\[)\s,]|$)")
NOT_METRICS = {
    "by", "on", "and", "or", "unless", "without", "ignoring", "group_left", "group_right",
    "bool", "offset",
    "sum", "min", "max", "avg", "group", "count", "count_values", "stddev", "stdvar",
    "topk", "bottomk", "quantile",
}  # fmt: skip


@dataclass
class Expression:
    where: str
    expr: str


def rule_expressions() -> Iterator[Expression]:
    for path in RULE_FILES:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    yield Expression(f"alert {rule['alert']}", rule["expr"])
                else:
                    yield Expression(f"record {rule['record']} ({path.name})", rule["expr"])


def selected_metrics(expr: str) -> set[str]:
    """Return the metric names an expression selects (a regex approximation of the parser)."""
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    without_matchers = re.sub(r"\{[^}]*\}", "{}", without_strings)
    without_matchers = re.sub(
        r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", without_matchers
    )
    names = {m.group(1) for m in NAME.finditer(without_matchers)}
    functions = set(re.findall(r"([a-z_]+)\s*\(", without_matchers))
    return {n for n in names - functions - NOT_METRICS if not n.isdigit()}


class Prometheus:
    def __init__(self, base: str) -> None:
        self.base = base

    def get(self, path: str, **params: str) -> Any:
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                body = json.load(resp)
        except urllib.error.HTTPError as exc:
            body = json.load(exc)
        return body

    def query(self, expr: str) -> tuple[str | None, list[Any]]:
        """Return (error, result) of an instant query."""
        body = self.get("/api/v1/query", query=expr)
        if body["status"] != "success":
            return f"{body.get('errorType')}: {body.get('error')}", []
        return None, body["data"]["result"]

    def label_values(self, label: str, match: str) -> list[str]:
        body = self.get(f"/api/v1/label/{label}/values", **{"match[]": match})
        assert body["status"] == "success", body
        values: list[str] = body["data"]
        return values


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    what = log.stem
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise AssertionError(f"{what} exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} not ready within {timeout} s")


def stop(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.terminate()
        try:
            return proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()


def dlmon_command() -> list[str]:
    script = Path(sys.executable).parent / "dlmon"
    return [str(script)] if script.exists() else [sys.executable, "-m", "monitor"]


def dashboard_variables() -> list[dict[str, Any]]:
    out = []
    for path in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json")):
        out.extend(json.loads(path.read_text()).get("templating", {}).get("list", []))
    return out


def resolve_variables(prom: Prometheus) -> dict[str, str]:
    """Resolve each query variable like Grafana does, preferring PONY and the 5m window."""
    values: dict[str, str] = {}
    for variable in dashboard_variables():
        found = re.fullmatch(r"label_values\((.+),\s*(\w+)\)", variable["query"])
        assert found, f"unsupported variable query {variable['query']!r}"
        options = prom.label_values(found.group(2), found.group(1))
        assert options, f"variable {variable['name']} has no values"
        preferred = [o for o in options if o in ("PONY", "5m")]
        values[f"${variable['name']}"] = (preferred or options)[0]
    return values


def substitute(expr: str, variables: dict[str, str]) -> str:
    for name, value in {**GRAFANA_BUILTINS, **variables}.items():
        expr = expr.replace(name, value)
    return expr


@dataclass
class Stack:
    prometheus: Prometheus
    dlmon: subprocess.Popen[bytes]
    dlmon_url: str


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, prometheus_bin: str) -> Iterator[Stack]:
    tmp_path = tmp_path_factory.mktemp("stack")
    dlmon_port, prom_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLMON_")}
    env.update(DLMON_SERVER__HOST="127.0.0.1", DLMON_SERVER__PORT=str(dlmon_port))
    env.update(DLMON_INDEX__ENABLED="true")  # the universe dashboard reads the index
    # z-score and half-life panels: statistics after 5 one-second samples, not 30
    env.update(DLMON_ANALYTICS__MIN_SAMPLES="5")
    dlmon_log = (tmp_path / "dlmon.log").open("wb")
    dlmon = subprocess.Popen(
        [*dlmon_command(), "run"], cwd=tmp_path, env=env, stdout=dlmon_log, stderr=dlmon_log
    )
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(p) for p in RULE_FILES],
        "scrape_configs": [
            {
                "job_name": "dlmon",
                "scrape_timeout": "1s",
                "static_configs": [{"targets": [f"127.0.0.1:{dlmon_port}"]}],
            }
        ],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    prom_log = (tmp_path / "prometheus.log").open("wb")
    prom = subprocess.Popen(
        [
            prometheus_bin,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
        ],
        stdout=prom_log,
        stderr=prom_log,
    )
    try:
        wait_http(f"http://127.0.0.1:{dlmon_port}/healthz", dlmon, tmp_path / "dlmon.log", 30)
        wait_http(f"http://127.0.0.1:{prom_port}/-/ready", prom, tmp_path / "prometheus.log", 30)
        yield Stack(
            Prometheus(f"http://127.0.0.1:{prom_port}"), dlmon, f"http://127.0.0.1:{dlmon_port}"
        )
    finally:
        stop(prom)
        stop(dlmon)
        dlmon_log.close()
        prom_log.close()


@pytest.mark.timeout(120)
def test_every_dashboard_and_rule_expression_returns_series(stack: Stack) -> None:
    prom, dlmon = stack.prometheus, stack.dlmon
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not prom.query('up{job="dlmon"} == 1')[1]:
        assert time.monotonic() < deadline, "Prometheus never scraped dlmon successfully"
        time.sleep(0.2)
    variables = resolve_variables(prom)

    expressions = [Expression(w, e) for w, e in dashboard_expressions()]
    expressions += list(rule_expressions())
    assert set(EXPECTED_EMPTY) <= {e.where for e in expressions}, "stale EXPECTED_EMPTY entry"

    # Rates and rules need a few scrapes: retry what is still empty until the deadline.
    pending = {e.where: e for e in expressions}
    errors: dict[str, str] = {}
    empty: dict[str, str] = {}
    while pending:
        for where, e in list(pending.items()):
            expr = substitute(e.expr, variables)
            error, result = prom.query(expr)
            if error is not None:
                errors[where] = f"{error}\n    {expr}"
                del pending[where]
            elif result or where in EXPECTED_EMPTY:
                empty.pop(where, None)
                del pending[where]
            else:
                empty[where] = expr
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(0.5)

    assert not errors, "expressions that fail:\n" + "\n".join(
        f"{k}: {v}" for k, v in errors.items()
    )
    assert not empty, "expressions with no series:\n" + "\n".join(
        f"{k}:\n    {v}" for k, v in empty.items()
    )

    missing = {}
    for e in expressions:
        for metric in sorted(selected_metrics(e.expr) - set(ABSENT_ON_SIMULATOR)):
            if not prom.query(f"group({metric})")[1]:
                missing[metric] = e.where
    assert not missing, f"selected metrics that do not exist: {missing}"

    rules = prom.get("/api/v1/rules")["data"]["groups"]
    unhealthy = [
        (r.get("name"), r.get("lastError"))
        for g in rules
        for r in g["rules"]
        if r["health"] != "ok"
    ]
    assert not unhealthy, unhealthy
    assert dlmon.poll() is None, "dlmon died during the test"


def test_dlmon_metrics_pass_promtool_check_metrics(stack: Stack, promtool: str) -> None:
    with urllib.request.urlopen(f"{stack.dlmon_url}/metrics", timeout=10) as resp:
        exposition = resp.read()
    assert b"dlmon_premium_ratio" in exposition
    result = subprocess.run(
        [promtool, "check", "metrics"], input=exposition, capture_output=True, timeout=30
    )
    assert result.returncode == 0, (result.stdout + result.stderr).decode()


def test_metric_name_extraction_sees_joins_and_recording_rules() -> None:
    expr = (
        'dlmon_pair_leg_info{leg=~"us|hk"}\n* on (instance, instrument) group_left (venue)'
        " (time() - dlmon_last_update_timestamp_seconds) and on (instance) "
        'pair_leg:dlmon_turnover_usd:share{pair="PONY"} or vector(0)'
        " or max by (feed) (dlmon_feed_up) or sum without (task, reason) (x_total)"
    )
    assert selected_metrics(expr) == {
        "dlmon_pair_leg_info",
        "dlmon_last_update_timestamp_seconds",
        "pair_leg:dlmon_turnover_usd:share",
        "dlmon_feed_up",
        "x_total",
    }
