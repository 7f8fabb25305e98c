"""The two-replica examples (deploy/ha compose, deploy/k8s/ha): configs valid, replicas
and Alertmanager peers wired to each other. Docker and a cluster are not available here;
the behaviour itself is tested for real in test_deploy_alertmanager_ha.py."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from monitor.app.build import load
from monitor.settings.notify import AlertmanagerSink
from tests.support.deploy import DEPLOY

HA = DEPLOY / "ha"
K8S_HA = DEPLOY / "k8s" / "ha"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((HA / "docker-compose.yml").read_text())
    return data


def k8s_docs() -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((K8S_HA / "kustomization.yaml").read_text())
    return [
        doc
        for name in kustomization["resources"]
        for doc in yaml.safe_load_all((K8S_HA / name).read_text())
    ]


def alertmanager_sink(path: Path) -> AlertmanagerSink:
    settings = load(path)
    [sink] = settings.notify.sinks.values()
    assert isinstance(sink, AlertmanagerSink)
    return sink


def amtool_check(amtool: str, path: Path) -> None:
    result = subprocess.run(
        [amtool, "check-config", str(path)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_two_replicas_with_one_config_and_two_peered_alertmanagers(
    amtool: str,
) -> None:
    services = compose()["services"]
    replicas = [s for n, s in services.items() if n.startswith("dlmon-")]
    assert len(replicas) == 2
    configs = {v for s in replicas for v in s["volumes"] if v.endswith("/etc/dlmon/dlmon.yaml:ro")}
    assert configs == {"./dlmon.yaml:/etc/dlmon/dlmon.yaml:ro"}  # the same file for both
    states = {v.split(":")[0] for s in replicas for v in s["volumes"] if "/var/lib/dlmon" in v}
    assert len(states) == 2  # each replica its own state volume
    peers = {n: s["command"] for n, s in services.items() if n.startswith("alertmanager-")}
    assert set(peers) == {"alertmanager-1", "alertmanager-2"}
    assert "--cluster.peer=alertmanager-2:9094" in peers["alertmanager-1"]
    assert "--cluster.peer=alertmanager-1:9094" in peers["alertmanager-2"]
    sink = alertmanager_sink(HA / "dlmon.yaml")
    assert sink.urls == [f"http://{name}:9093" for name in sorted(peers)]
    amtool_check(amtool, HA / "alertmanager.yml")


def test_k8s_runs_two_replicas_and_two_alertmanager_peers(amtool: str, tmp_path: Path) -> None:
    docs = k8s_docs()
    sets = {d["metadata"]["name"]: d for d in docs if d["kind"] == "StatefulSet"}
    assert sets["dlmon"]["spec"]["replicas"] == 2
    assert sets["dlmon"]["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] == "state"
    am = sets["alertmanager"]
    assert am["spec"]["replicas"] == 2
    args = am["spec"]["template"]["spec"]["containers"][0]["args"]
    pods = [f"alertmanager-{i}.{am['spec']['serviceName']}" for i in range(2)]
    assert [a for a in args if a.startswith("--cluster.peer=")] == [
        f"--cluster.peer={p}:9094" for p in pods
    ]
    maps = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    config = tmp_path / "dlmon.yaml"
    config.write_text(maps["dlmon-ha-config"]["data"]["dlmon.yaml"])
    assert alertmanager_sink(config).urls == [f"http://{p}:9093" for p in pods]
    volumes = sets["dlmon"]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "config", "configMap": {"name": "dlmon-ha-config"}} in volumes
    am_config = tmp_path / "alertmanager.yml"
    am_config.write_text(maps["alertmanager-config"]["data"]["alertmanager.yml"])
    amtool_check(amtool, am_config)
