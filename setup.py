"""dlmon's build (metadata in pyproject.toml).

With ``DLMON_COMPILE=1`` the pure core modules listed under ``[tool.dlmon] compiled`` are
compiled with mypyc (needs mypy and a C compiler; the Dockerfile builds the image's wheel
this way). Without it the package is plain Python, as a checkout runs it.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import Extension, setup


def extensions() -> list[Extension]:
    """The compiled core as extension modules, or none without DLMON_COMPILE=1."""
    if os.environ.get("DLMON_COMPILE") != "1":
        return []
    from mypyc.build import mypycify

    dlmon = tomllib.loads(Path(__file__).with_name("pyproject.toml").read_text())["tool"]["dlmon"]
    return mypycify([*dlmon["mypyc-flags"], *dlmon["compiled"]])


setup(ext_modules=extensions())
