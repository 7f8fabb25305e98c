"""Start-up without garbage collection: parsing the command line (:func:`paused_gc`) and,
for ``dlmon run``, ``gateway`` and ``record``, importing and building what then lives as
long as the process (:func:`long_lived`)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """The collector off inside, switched back on (if it was on) either way: imports
    allocate objects that live on, so a collection while importing frees nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def long_lived() -> Iterator[None]:
    """Import the modules and build the settings inside: the collector stays off (those
    ~170 collections took ~40 ms of start-up and freed nothing that matters), then
    ``gc.freeze()`` moves what was built out of the way of every later collection, so a
    full collection while the daemon runs walks fewer objects. On an error nothing is
    frozen; the collector is switched back on either way."""
    with paused_gc():
        structlog_without_rich()
        yield
        gc.freeze()


def structlog_without_rich() -> None:
    """Import structlog as if ``rich`` were not installed (then ``rich`` imports as usual).

    structlog imports ``rich`` whenever it is installed, to render exceptions; the
    development venv has it (for ``dlmon status``), the image and ``make run``'s venv do
    not. A service logs JSON and renders no terminal, so it leaves ``rich`` out, as in the
    image: plain tracebacks, ~27 ms less start-up and less memory. Nothing changes where
    structlog or ``rich`` is imported already (a test running commands in-process)."""
    if "structlog" in sys.modules or "rich" in sys.modules:
        return
    sys.modules["rich"] = None  # type: ignore[assignment]  # `import rich` raises ImportError
    try:
        import structlog.dev  # noqa: F401
        import structlog.tracebacks  # noqa: F401
    finally:
        del sys.modules["rich"]


__all__ = ["long_lived", "paused_gc", "structlog_without_rich"]
