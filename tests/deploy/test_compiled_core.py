"""The image runs the core compiled with mypyc (setup.py, ``DLMON_COMPILE=1``): the unit
tests must pass against that build as they do against the sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from deploy.compiled_core import build
from tests.support.deploy import REPO, require_binary


@pytest.mark.timeout(900)
def test_the_unit_tests_pass_against_the_compiled_core(tmp_path: Path) -> None:
    require_binary("gcc")
    compiled = build(tmp_path / "compiled")
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "-o", f"pythonpath={compiled} .",  # the compiled build ahead of the checkout
        "tests/unit", "tests/deploy/compiled_probe.py",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=840)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary, summary
