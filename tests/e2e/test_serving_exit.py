"""The benchmarks' start-up probe (``benchmarks/serving_exit.py``, counted under valgrind
by ``make bench``) starts each app as a user would and exits exactly when it serves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("which", ["dlmon", "bare"])
def test_the_start_up_probe_exits_once_the_app_serves(which: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLMON_")}
    env["PYTHONPATH"] = str(ROOT)
    env["DLMON_LOG__LEVEL"] = "WARNING"
    probe = [sys.executable, str(ROOT / "benchmarks" / "serving_exit.py"), which]
    done = subprocess.run(
        [*probe, str(free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # 0 only from the exit once serving: a failed start raises, and returning without
    # serving exits 1 with a message
    assert done.returncode == 0, done.stderr[-2000:]
