"""What build is running: the package version, the source revision when known, Python."""

from __future__ import annotations

import os
import platform
import subprocess
from functools import cache
from pathlib import Path

from monitor import __version__

REVISION_VARIABLE = "DLMON_REVISION"
"""Set by a build (``docker build --build-arg REVISION=...``) where git is not available."""


@cache
def revision() -> str:
    """``$DLMON_REVISION``, else the git commit of a source checkout, else ``""``."""
    given = os.environ.get(REVISION_VARIABLE, "").strip()
    if given:
        return given
    source = Path(__file__).resolve().parent.parent
    if not (source / ".git").exists():
        return ""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=source,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def build_labels() -> dict[str, str]:
    """The labels of ``dlmon_build_info``: version, revision and python_version."""
    return {
        "version": __version__,
        "revision": revision(),
        "python_version": platform.python_version(),
    }


__all__ = ["REVISION_VARIABLE", "build_labels", "revision"]
