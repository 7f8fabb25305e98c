"""Fixtures of the deploy checks: the external binaries they run."""

from __future__ import annotations

import shutil

import pytest

from tests.support.deploy import require_binary


@pytest.fixture(scope="session")
def promtool() -> str:
    return require_binary("promtool")


@pytest.fixture(scope="session")
def prometheus_bin() -> str:
    return require_binary("prometheus")


@pytest.fixture(scope="session")
def amtool() -> str:
    return require_binary("amtool")


@pytest.fixture(scope="session")
def alertmanager_bin() -> str:
    for name in ("alertmanager", "prometheus-alertmanager"):  # Debian names it the latter
        if shutil.which(name):
            return require_binary(name)
    return require_binary("alertmanager")
