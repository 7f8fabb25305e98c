"""`dlmon run` builds its modules and settings with the garbage collector off (and structlog
without rich), then freezes what it built; the collector is on again afterwards, error or
not."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from monitor.startup import long_lived, paused_gc


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()  # give the test process's objects back to the collector
    gc.enable()


def test_collector_is_off_inside_and_what_was_built_is_frozen() -> None:
    before = gc.get_freeze_count()
    with long_lived():
        assert not gc.isenabled()
        built = [[] for _ in range(10)]  # containers: tracked by the collector
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(built) + 1  # the lists and their list


def test_an_error_freezes_nothing_and_switches_the_collector_back_on() -> None:
    before = gc.get_freeze_count()
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("bad config")
    assert gc.isenabled()
    assert gc.get_freeze_count() == before


def test_a_collector_switched_off_stays_off() -> None:
    gc.disable()
    with long_lived():
        pass
    assert not gc.isenabled()


def test_the_collector_is_paused_and_switched_back_on_error_or_not() -> None:
    before = gc.get_freeze_count()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(SystemExit), paused_gc():  # argparse exits on --help or an error
        raise SystemExit(2)
    assert gc.isenabled()
    assert gc.get_freeze_count() == before  # nothing frozen


def test_structlog_is_imported_without_rich_or_greenlet_which_then_import_as_usual() -> None:
    code = (
        "import sys\n"
        "from monitor.startup import structlog_without_rich\n"
        "structlog_without_rich()\n"
        "import structlog.dev, structlog.tracebacks\n"
        "assert structlog.dev.rich is None and structlog.tracebacks.rich is None\n"
        "assert not any(m == 'rich' or m.startswith('rich.') for m in sys.modules)\n"
        "assert not any(m == 'greenlet' or m.startswith('greenlet.') for m in sys.modules)\n"
        "import rich.console\n"  # e.g. `dlmon status` in the same process
        "import greenlet\n"  # e.g. playwright's sync API (`dlmon report` charts)
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
