"""Run only by ``test_compiled_core.py`` (the name keeps it out of the usual collection),
with the compiled build first on ``sys.path``: it proves the tests beside it ran against
the compiled core, not the sources."""

from __future__ import annotations

import importlib

from deploy.compiled_core import module_names


def test_every_listed_core_module_is_imported_from_its_compiled_extension() -> None:
    for name in module_names():
        path = importlib.import_module(name).__file__ or ""
        assert path.endswith(".so"), f"{name} was imported from {path}"
