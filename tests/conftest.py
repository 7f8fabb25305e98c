"""Shared test setup."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator

import pytest
import structlog
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# Property tests: the same examples on every run (a red CI can be reproduced), no example
# database, and Hypothesis' own cache in a temporary directory (never in the checkout).
settings.register_profile("dlmon", database=None, derandomize=True)
settings.load_profile("dlmon")
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="dlmon-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_structlog() -> Iterator[None]:
    """Undo any logging configuration a test made (cached loggers bind the test's stdout)."""
    yield
    structlog.reset_defaults()


@pytest.fixture(autouse=True, scope="session")
def _state_in_a_temporary_directory(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The default state directory ($XDG_STATE_HOME/dlmon) of every test and child process."""
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("xdg_state"))
