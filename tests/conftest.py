"""Shared test setup."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def _fresh_structlog() -> Iterator[None]:
    """Undo any logging configuration a test made (cached loggers bind the test's stdout)."""
    yield
    structlog.reset_defaults()


@pytest.fixture(autouse=True, scope="session")
def _state_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The default state directory ($XDG_STATE_HOME/dlmon) of every test and child process."""
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("xdg_state"))
