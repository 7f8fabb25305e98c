"""The built-in data files (``monitor/data/*.yaml``), parsed with libyaml when PyYAML was
built with it (several times faster than the pure-Python parser; same values)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

_LOADER: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


def load_data_file(name: str) -> Any:
    """The parsed content of ``monitor/data/<name>``."""
    text = resources.files("monitor.data").joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)  # a safe loader, C or Python


__all__ = ["load_data_file"]
