"""deploy/k8s/bus: the gateway, shards and recorder manifests agree with their configs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.app.build import build_pairs, load, shard_pairs
from tests.support.deploy import DEPLOY

BUS = DEPLOY / "k8s" / "bus"


def objects() -> dict[str, dict[str, Any]]:
    kustomization = yaml.safe_load((BUS / "kustomization.yaml").read_text())
    found: dict[str, dict[str, Any]] = {}
    for name in kustomization["resources"]:
        for doc in yaml.safe_load_all((BUS / name).read_text()):
            found[doc["metadata"]["name"]] = doc
    return found


def configs(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in objects()["dlmon-bus"]["data"].items():
        out[name] = tmp_path / name
        out[name].write_text(text)
    return out


def container(workload: dict[str, Any]) -> dict[str, Any]:
    (c,) = workload["spec"]["template"]["spec"]["containers"]
    return c


def test_every_workload_runs_its_command_on_a_config_of_the_config_map(tmp_path: Path) -> None:
    files = configs(tmp_path)
    commands = {"dlmon-gateway": "gateway", "dlmon-shard": "run", "dlmon-recorder": "record"}
    for name, command in commands.items():
        c = container(objects()[name])
        args = c["args"]
        assert args[0] == command and args[1] == "--config"
        mount = next(m for m in c["volumeMounts"] if m["name"] == "config")
        assert Path(args[2]).parent == Path(mount["mountPath"])
        assert Path(args[2]).name in files
        assert c["image"].split(":")[0].endswith("dlmon-bus")
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert {p["containerPort"] for p in c["ports"]} == {9108}


def test_the_configs_validate_and_share_the_bus(tmp_path: Path) -> None:
    files = configs(tmp_path)
    gateway, shard = load(files["gateway.yaml"]), load(files["shard.yaml"])
    assert gateway.server.port == shard.server.port == 9108
    feed = shard.feeds["sim"]
    assert feed.type == "nats" and feed.options_data()["url"] == gateway.bus.url
    assert set(gateway.pairs) == set(shard.pairs)


def test_the_shards_split_the_pairs_as_many_ways_as_there_are_pods(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = configs(tmp_path)
    workload = objects()["dlmon-shard"]
    env = {e["name"]: e for e in container(workload)["env"]}
    count = int(env["DLMON_SHARD__COUNT"]["value"])
    assert count == workload["spec"]["replicas"]
    assert "pod-index" in env["DLMON_SHARD__INDEX"]["valueFrom"]["fieldRef"]["fieldPath"]
    served: list[set[str]] = []
    for index in range(count):
        monkeypatch.setenv("DLMON_SHARD__INDEX", str(index))
        monkeypatch.setenv("DLMON_SHARD__COUNT", str(count))
        settings = load(files["shard.yaml"])
        served.append({p.name for p in shard_pairs(settings, build_pairs(settings))})
    assert all(served) and set().union(*served) == set(load(files["gateway.yaml"]).pairs)
    assert sum(len(s) for s in served) == len(set().union(*served))


def test_the_recorder_keeps_its_journal_on_a_persistent_volume(tmp_path: Path) -> None:
    recorder = objects()["dlmon-recorder"]
    directory = load(configs(tmp_path)["gateway.yaml"]).recorder.directory
    mounts = {m["name"]: m["mountPath"] for m in container(recorder)["volumeMounts"]}
    (claim,) = recorder["spec"]["volumeClaimTemplates"]
    assert Path(mounts[claim["metadata"]["name"]]) == directory
    assert recorder["spec"]["replicas"] == 1
