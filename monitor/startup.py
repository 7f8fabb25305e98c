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


OPTIONAL_FOR_STRUCTLOG = ("rich", "greenlet")
"""What structlog imports whenever it is installed, and a service does without."""


def structlog_without_rich() -> None:
    """Import structlog as if ``rich`` and ``greenlet`` were not installed (then they
    import as usual).

    structlog imports ``rich`` whenever it is installed, to render exceptions, and
    ``greenlet``, for its deprecated greenlet-local context; the development venv has both
    (for ``dlmon status``; playwright's), the image and ``make run``'s venv neither. A
    service logs JSON, renders no terminal and binds context with contextvars, so it
    leaves both out, as in the image: plain tracebacks, ~27 ms less start-up and less
    memory. Nothing changes where structlog or either is imported already (a test running
    commands in-process)."""
    if "structlog" in sys.modules or any(m in sys.modules for m in OPTIONAL_FOR_STRUCTLOG):
        return
    for name in OPTIONAL_FOR_STRUCTLOG:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` raises ImportError
    try:
        import structlog.dev  # noqa: F401
        import structlog.tracebacks  # noqa: F401
    finally:
        for name in OPTIONAL_FOR_STRUCTLOG:
            del sys.modules[name]


__all__ = ["long_lived", "paused_gc", "structlog_without_rich"]
