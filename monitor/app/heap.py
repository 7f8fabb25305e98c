"""The garbage collector of a daemon whose heap is large and steady.

Start-up builds what lives as long as the process (settings, modules, the engine's state of
every pair: ~100,000 objects at 200 pairs). CPython's cyclic collector scans all of it in
every full collection (~70 ms at 200 pairs, a few times a minute, on the event loop), and
the market clock's snapshot (tens of objects per pair, alive a second) keeps asking for
more. Almost nothing here is cyclic garbage: reference counting frees it. So once started,
the daemon moves what start-up built out of the collector's reach (``gc.freeze``) and
lets a full collection come every ``FULL_COLLECTION_EVERY`` collections of the middle
generation instead of every ten: about every two minutes at 200 pairs, over what came
since start-up only. The young generations are collected as usual.
"""

from __future__ import annotations

import gc

FULL_COLLECTION_EVERY = 1000
"""Collections of generation 1 between two full collections (CPython's default: 10)."""


def settle_heap() -> None:
    """Freeze what start-up built and space out full collections (process-wide)."""
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


__all__ = ["FULL_COLLECTION_EVERY", "settle_heap"]
