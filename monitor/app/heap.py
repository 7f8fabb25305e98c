"""The garbage collector of a daemon whose heap is large and steady.

Start-up builds what lives as long as the process (settings, modules, the engine's state of
every pair: ~100,000 objects at 200 pairs). CPython's cyclic collector scans all of it in
every full collection (~70 ms at 200 pairs, a few times a minute, on the event loop), and
the market clock's snapshot (tens of objects per pair, alive a second) keeps asking for
more. Almost nothing here is cyclic garbage: reference counting frees it. So once started,
the daemon moves what start-up built out of the collector's reach (``gc.freeze``), collects
the middle generation every ``MIDDLE_COLLECTION_EVERY`` young collections instead of every
ten (it holds the snapshot's survivors: a few small scans instead of one of ~7,000
objects, 1-2 ms), and lets a full collection come every ``FULL_COLLECTION_EVERY`` middle
ones: about every two minutes at 200 pairs, over what came since start-up only.
"""

from __future__ import annotations

import gc

MIDDLE_COLLECTION_EVERY = 2
"""Collections of generation 0 between two of generation 1 (CPython's default: 10)."""
FULL_COLLECTION_EVERY = 5000
"""Collections of generation 1 between two full collections (CPython's default: 10)."""


def settle_heap() -> None:
    """Freeze what start-up built and space out full collections (process-wide)."""
    gc.freeze()
    young, _, _ = gc.get_threshold()
    gc.set_threshold(young, MIDDLE_COLLECTION_EVERY, FULL_COLLECTION_EVERY)


__all__ = ["FULL_COLLECTION_EVERY", "MIDDLE_COLLECTION_EVERY", "settle_heap"]
