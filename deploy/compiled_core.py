"""Build the mypyc-compiled core into a directory, for the tests and benchmarks that run it.

The image compiles the same modules (``[tool.dlmon] compiled`` in pyproject.toml) through
setup.py; this builds them next to a copy of ``monitor/`` in DEST (never in the checkout),
so that anything run with DEST first on ``sys.path`` imports the compiled core.

    python deploy/compiled_core.py DEST
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings() -> dict[str, list[str]]:
    """``[tool.dlmon]`` of pyproject.toml: the modules and mypyc flags setup.py compiles with."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    settings: dict[str, list[str]] = pyproject["tool"]["dlmon"]
    return settings


def compiled_modules() -> list[str]:
    """The compiled modules' paths, relative to the repository (``monitor/core/x.py``)."""
    return _settings()["compiled"]


def module_names() -> list[str]:
    """The compiled modules' import names (``monitor.core.x``)."""
    return [path.removesuffix(".py").replace("/", ".") for path in compiled_modules()]


def build(dest: Path) -> Path:
    """Copy ``monitor/`` to ``dest`` and compile the core modules there; return ``dest``."""
    shutil.copytree(
        ROOT / "monitor", dest / "monitor", ignore=shutil.ignore_patterns("__pycache__")
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    settings = _settings()  # the flags and modules setup.py compiles with
    command = [sys.executable, "-m", "mypyc", *settings["mypyc-flags"], *settings["compiled"]]
    done = subprocess.run(command, cwd=dest, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mypyc failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return dest


if __name__ == "__main__":
    print(build(Path(sys.argv[1]).resolve()))
