"""Load N simulated pairs (two simulated minutes), then move on K seconds, each with
``Engine.advance`` and, with ``read``, a snapshot; counted under valgrind by
``bench_pairs.py`` with and without ``read``: the difference is what the snapshots cost,
in instructions, free of machine load.

    python benchmarks/snapshot_count.py N K read|skip [off]
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pairs import simulated_events, synthetic_pairs  # noqa: E402

from monitor.app.heap import settle_heap  # noqa: E402
from monitor.core.analytics import DEFAULT_ANALYTICS  # noqa: E402
from monitor.core.engine import Engine  # noqa: E402
from monitor.core.events import NS_PER_SECOND  # noqa: E402
from monitor.core.sessions import SessionCalendar  # noqa: E402

SECONDS = 120


def main(count: int, seconds: int, read: bool, analytics: bool) -> None:
    events = simulated_events(synthetic_pairs(count), SECONDS)
    settings = DEFAULT_ANALYTICS if analytics else None
    engine = Engine(synthetic_pairs(count), SessionCalendar("always_open"), analytics=settings)
    second = -1
    for event in events:
        if event.ts_recv // NS_PER_SECOND != second:
            second = event.ts_recv // NS_PER_SECOND
            engine.advance(event.ts_recv)
        engine.on_event(event)
    settle_heap()  # as the daemon, once started
    now = events[-1].ts_recv
    for i in range(seconds):
        gc.collect()
        at = now + (i + 1) * NS_PER_SECOND
        engine.advance(at)
        if read:
            engine.snapshot(at)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "read", sys.argv[4:] != ["off"])
