"""docker-compose and Kubernetes manifests: they agree with each other, the image and dlmon.

Docker and a cluster are not available here, so these checks read the files: every mounted
file exists, ports, paths and labels line up, and the shipped dlmon configs validate.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from monitor.app.build import load
from tests.support import dockerfile
from tests.support.deploy import DEPLOY, REPO

COMPOSE = DEPLOY / "docker-compose.yml"
K8S = DEPLOY / "k8s"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return data


def k8s_objects() -> dict[str, dict[str, Any]]:
    """Return the objects listed in kustomization.yaml (plus the Secret example) by kind."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    objects: dict[str, dict[str, Any]] = {}
    for name in [*kustomization["resources"], "secret.example.yaml"]:
        for doc in yaml.safe_load_all((K8S / name).read_text()):
            assert doc["kind"] not in objects, doc["kind"]
            objects[doc["kind"]] = doc
    return objects


def bind_mounts(service: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            out.append((source, target))
    return out


def test_compose_runs_the_four_services() -> None:
    services = compose()["services"]
    assert set(services) == {"dlmon", "prometheus", "alertmanager", "grafana"}
    assert (COMPOSE.parent / services["dlmon"]["build"]["context"] / "Dockerfile").is_file()
    for name, service in services.items():
        if name != "dlmon":
            image = service["image"]
            assert ":" in image and not image.endswith(":latest"), f"{name}: pin the image tag"


def test_compose_bind_mounts_exist() -> None:
    for name, service in compose()["services"].items():
        for source, _ in bind_mounts(service):
            assert (COMPOSE.parent / source).exists(), f"{name}: {source} does not exist"


def test_compose_wiring_matches_prometheus_grafana_and_the_image() -> None:
    services = compose()["services"]
    prom = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in prom["scrape_configs"]}
    (target,) = jobs["dlmon"]["static_configs"][0]["targets"]
    host, port = target.split(":")
    final = dockerfile.parse(REPO / "Dockerfile")[-1]
    assert host == "dlmon" and port == final.env()["DLMON_SERVER__PORT"]
    assert f"{port}:{port}" in services["dlmon"]["ports"]
    (am,) = prom["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert am.split(":")[0] in services

    prom_mounts = dict(bind_mounts(services["prometheus"]))
    assert prom_mounts["./prometheus/rules"] + "/*.yml" in prom["rule_files"]

    datasources = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text()
    )
    assert urlparse(datasources["datasources"][0]["url"]).hostname in services
    providers = yaml.safe_load((DEPLOY / "grafana/provisioning/dashboards/dlmon.yml").read_text())
    grafana_mounts = dict(bind_mounts(services["grafana"]))
    assert providers["providers"][0]["options"]["path"] == grafana_mounts["./grafana/dashboards"]
    assert grafana_mounts["./grafana/provisioning"] == "/etc/grafana/provisioning"
    home = services["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert (DEPLOY / "grafana/dashboards" / Path(home).name).is_file()


def test_image_default_config_validates() -> None:
    final = dockerfile.parse(REPO / "Dockerfile")[-1]
    for inst in final.all("COPY"):
        flags, sources, dest = dockerfile.copy_args(inst.args)
        if dest == "/etc/dlmon/dlmon.yaml":
            settings = load(REPO / sources[0])
            assert settings.pairs and settings.feeds
            return
    raise AssertionError("the image ships no /etc/dlmon/dlmon.yaml")


def test_k8s_config_map_holds_a_valid_dlmon_config(tmp_path: Path) -> None:
    config_map = k8s_objects()["ConfigMap"]
    path = tmp_path / "dlmon.yaml"
    path.write_text(config_map["data"]["dlmon.yaml"])
    settings = load(path)
    assert settings.server.host == "0.0.0.0"
    assert settings.server.port == 9108


def test_k8s_deployment_probes_ports_and_mounts_line_up() -> None:
    objects = k8s_objects()
    deployment = objects["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    port = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert port == {"http-metrics": 9108}
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["port"] == "http-metrics"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"

    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert container["args"] == ["run", "--config", f"{mounts['config']}/dlmon.yaml"]
    assert volumes["config"]["configMap"]["name"] == objects["ConfigMap"]["metadata"]["name"]
    assert "dlmon.yaml" in objects["ConfigMap"]["data"]
    assert volumes["secrets"]["secret"]["secretName"] == objects["Secret"]["metadata"]["name"]
    assert mounts["state"] == "/var/lib/dlmon"
    claim = volumes["state"]["persistentVolumeClaim"]["claimName"]
    assert claim == objects["PersistentVolumeClaim"]["metadata"]["name"]


def test_k8s_service_and_pod_monitor_select_the_pods() -> None:
    objects = k8s_objects()
    labels = objects["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert objects["Deployment"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = objects["Service"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] == "http-metrics"
    monitor = objects["PodMonitor"]
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["port"] == "http-metrics" and endpoint["path"] == "/metrics"
    # The alert rules select job="dlmon".
    assert {"action": "replace", "targetLabel": "job", "replacement": "dlmon"} in endpoint[
        "relabelings"
    ]


def test_k8s_prometheus_rule_is_generated_from_the_rule_files() -> None:
    spec = importlib.util.spec_from_file_location(
        "dlmon_render_k8s_rules", DEPLOY / "prometheus" / "render_k8s_rules.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0, "run python deploy/prometheus/render_k8s_rules.py"
    rule = k8s_objects()["PrometheusRule"]
    groups = [
        g
        for path in sorted((DEPLOY / "prometheus" / "rules").glob("*.yml"))
        for g in yaml.safe_load(path.read_text())["groups"]
    ]
    assert rule["spec"]["groups"] == groups
