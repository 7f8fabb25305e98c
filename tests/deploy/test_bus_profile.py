"""The bus profile (deploy/docker-compose.bus.yml): mounts exist, configs validate, wiring."""

from __future__ import annotations

from typing import Any

import yaml

from monitor.app.build import load
from tests.support.deploy import DEPLOY

OVERLAY = DEPLOY / "docker-compose.bus.yml"


def overlay() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(OVERLAY.read_text())
    return data


def test_the_profile_runs_nats_a_gateway_two_shards_and_a_recorder() -> None:
    services = overlay()["services"]
    profiled = {name for name, s in services.items() if s.get("profiles") == ["bus"]}
    assert profiled == {"nats", "gateway", "shard-a", "shard-b", "recorder"}
    assert "-js" in services["nats"]["command"]
    assert "nats-data:/data" in services["nats"]["volumes"]
    image = services["nats"]["image"]
    assert ":" in image and not image.endswith(":latest")


def test_every_mounted_file_exists_and_every_dlmon_config_validates() -> None:
    for name, service in overlay()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                path = OVERLAY.parent / source
                assert path.exists(), f"{name}: {source}"
                if path.suffix == ".yaml":
                    settings = load(path)
                    assert settings.server.port == 9108


def test_one_prometheus_scrapes_the_gateway_and_both_shards() -> None:
    services = overlay()["services"]
    prom = yaml.safe_load((DEPLOY / "bus" / "prometheus.yml").read_text())
    targets = {t for job in prom["scrape_configs"] for c in job["static_configs"]
               for t in c["targets"]}  # fmt: skip
    for name in ("gateway", "shard-a", "shard-b"):
        assert f"{name}:9108" in targets
        assert any(port.endswith(":9108") for port in services[name].get("ports", []))
    shards = {p for s in ("a", "b") for p in load(DEPLOY / "bus" / f"shard-{s}.yaml").pairs}
    assert shards == set(load(DEPLOY / "bus" / "gateway.yaml").pairs)
