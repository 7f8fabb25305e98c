"""Memory stays flat: RSS after 1M and after 10M events spanning 30+ simulated days.

In a fresh child process (so that nothing else this run built counts), one engine with the
default analytics takes 10M simulator events of the PONY pair, one every 0.3 s of
simulated time (34.7 days; the 1-day windows roll over 34 times). The events are a
pre-generated cycle of 200,000 replayed with their timestamps moved on each pass. RSS is
read from /proc after a garbage collection at 1M and at 10M events; the ratio must stay
within 2 %.

    python benchmarks/bench_memory.py [--events 10000000]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Row, print_table, python_env, rss_bytes  # noqa: E402

SPACING_NS = 300_000_000  # 0.3 s of simulated time between events
CYCLE = 200_000
CHECKPOINTS = (1_000_000, 10_000_000)
T0 = 1_790_000_000_000_000_000


def measure(total: int) -> dict[str, float]:
    """Feed ``total`` events; RSS (bytes) at each checkpoint, and the span in days."""
    from bench_core import OPEN, pony

    from monitor.core.engine import Engine
    from monitor.core.events import Event
    from monitor.core.sessions import SessionCalendar
    from monitor.feeds.simulator.config import SimulatorOptions
    from monitor.feeds.simulator.model import MarketModel

    model = MarketModel(SimulatorOptions(seed=7), [("PONY", "2026.HK", 1.0)], "USDHKD", "sim")
    cycle: list[Event] = []
    t = T0
    while len(cycle) < CYCLE:
        t += SPACING_NS
        cycle.extend(model.next_events(t, OPEN))
    del cycle[CYCLE:]
    for i, event in enumerate(cycle):  # one event every SPACING_NS, trades included
        event.ts_event = event.ts_recv = T0 + (i + 1) * SPACING_NS
    span = CYCLE * SPACING_NS
    on_event = Engine([pony()], SessionCalendar("always_open")).on_event
    out: dict[str, float] = {}
    fed = 0
    while fed < total:
        for event in cycle:
            on_event(event)
        fed += len(cycle)
        if fed in CHECKPOINTS or fed >= total:
            gc.collect()
            out[f"rss_{fed}"] = rss_bytes()
        for event in cycle:
            event.ts_event += span
            event.ts_recv += span
    out["days"] = fed * SPACING_NS / 86_400e9
    return out


def run(total: int = CHECKPOINTS[-1]) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="dlmon-bench-memory-") as cwd:
        done = subprocess.run(
            [sys.executable, __file__, "--child", "--events", str(total)],
            capture_output=True,
            text=True,
            env=python_env(),
            cwd=cwd,
            check=True,
        )
    result = json.loads(done.stdout.splitlines()[-1])
    first, last = CHECKPOINTS[0], total
    return [
        Row(
            "memory",
            f"RSS after {last / 1e6:g}M events ({result['days']:.1f} simulated days)",
            result[f"rss_{last}"] / 2**20,
            "MiB",
            result[f"rss_{first}"] / 2**20,
            f"RSS after {first / 1e6:g}M",
            target="ratio <= 1.02",
            met=result[f"rss_{last}"] <= 1.02 * result[f"rss_{first}"],
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=CHECKPOINTS[-1])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.events)))
    else:
        print_table(run(args.events))


if __name__ == "__main__":
    main()
