"""Helpers of the deploy checks: repository paths, required binaries, dashboard queries."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def require_binary(name: str) -> str:
    """Return the path of ``name``; skip when absent locally, fail when absent under CI."""
    path = shutil.which(name)
    if path is not None:
        return path
    reason = (
        f"{name} is not installed (Debian: apt-get install prometheus prometheus-alertmanager;"
        " .ci/run installs them)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


def dashboard_expressions() -> list[tuple[str, str]]:
    """Return (where, expr) for every panel query and annotation of the generated dashboards."""
    out = []
    for path in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                out.append((f"{path.name}: {panel['title']} [{target['refId']}]", target["expr"]))
        for ann in board.get("annotations", {}).get("list", []):
            out.append((f"{path.name}: annotation {ann['name']}", ann["expr"]))
    return out
