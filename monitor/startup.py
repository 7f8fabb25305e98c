"""Start-up without garbage collection: parsing the command line (:func:`paused_gc`) and,
for ``dlmon run``, ``gateway`` and ``record``, importing and building what then lives as
long as the process (:func:`long_lived`)."""

from __future__ import annotations

import gc
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
        yield
        gc.freeze()


__all__ = ["long_lived", "paused_gc"]
