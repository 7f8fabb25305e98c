"""The sharding examples: compose overlay and StatefulSet give every shard once, and the
universe config split by the shard settings covers every pair exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.app.build import build_pairs, load, shard_pairs
from tests.support.deploy import DEPLOY, REPO

OVERLAY = DEPLOY / "sharding" / "docker-compose.shards.yml"
STATEFULSET = DEPLOY / "k8s" / "sharding" / "statefulset.yaml"
UNIVERSE = REPO / "config" / "examples" / "universe.yaml"


def test_the_compose_overlay_runs_each_shard_once_and_prometheus_scrapes_them_all() -> None:
    services: dict[str, Any] = yaml.safe_load(OVERLAY.read_text())["services"]
    shards = {
        name: (
            int(s["environment"]["DLMON_SHARD__INDEX"]),
            int(s["environment"]["DLMON_SHARD__COUNT"]),
        )
        for name, s in services.items()
        if name.startswith("dlmon")
    }
    counts = {count for _, count in shards.values()}
    assert len(counts) == 1 and sorted(i for i, _ in shards.values()) == list(range(counts.pop()))
    for service in (s for n, s in services.items() if n.startswith("dlmon")):
        for volume in service["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).resolve().exists(), source
    prometheus = yaml.safe_load((DEPLOY / "sharding" / "prometheus.yml").read_text())
    (job,) = [j for j in prometheus["scrape_configs"] if j["job_name"] == "dlmon"]
    targets = job["static_configs"][0]["targets"]
    assert sorted(t.split(":")[0] for t in targets) == sorted(shards)


def test_the_statefulset_takes_its_shard_from_the_pod_index() -> None:
    sts: dict[str, Any] = yaml.safe_load(STATEFULSET.read_text())
    (container,) = sts["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    assert int(env["DLMON_SHARD__COUNT"]["value"]) == sts["spec"]["replicas"]
    field = env["DLMON_SHARD__INDEX"]["valueFrom"]["fieldRef"]["fieldPath"]
    assert field == "metadata.labels['apps.kubernetes.io/pod-index']"
    labels = sts["spec"]["template"]["metadata"]["labels"]
    podmonitor = yaml.safe_load((DEPLOY / "k8s" / "podmonitor.yaml").read_text())
    assert podmonitor["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_the_shards_of_the_universe_cover_every_pair_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served: list[str] = []
    for index in range(3):
        monkeypatch.setenv("DLMON_SHARD__INDEX", str(index))
        monkeypatch.setenv("DLMON_SHARD__COUNT", "3")
        settings = load(Path(UNIVERSE))
        mine = [p.name for p in shard_pairs(settings, build_pairs(settings))]
        assert mine
        served += mine
    assert sorted(served) == sorted(settings.pairs)
