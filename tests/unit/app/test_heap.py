"""settle_heap: what start-up built is frozen, full collections are spaced out (in a child
process: it changes the collector of the whole process)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import gc
from monitor.app.heap import FULL_COLLECTION_EVERY, MIDDLE_COLLECTION_EVERY, settle_heap
young, _, _ = gc.get_threshold()
settle_heap()
assert gc.get_freeze_count() > 1000, gc.get_freeze_count()
expected = (young, MIDDLE_COLLECTION_EVERY, FULL_COLLECTION_EVERY)
assert gc.get_threshold() == expected, gc.get_threshold()
a = []
a.append(a)  # cyclic garbage made after start-up is still collected
del a
assert gc.collect() >= 1
"""


def test_settle_heap_freezes_start_up_and_spaces_out_full_collections() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
