"""``make bench``: every figure of issue 11 in one run, each against a baseline measured in
the same run (medians of 5, interleaved), printed as one table at the end.

* core: ns per event of ``Engine.on_event`` without and with analytics (``bench_core``);
* memory: RSS after 1M and 10M events over 30+ simulated days (``bench_memory``);
* start-up: ``dlmon run`` to ``/readyz`` against a bare aiohttp app (``bench_startup``),
  and in instructions to serving where valgrind is installed;
* e2e: loopback Polygon websocket, dlmon against the bare-client floor: CPU per quote and
  sender -> applied latency at 1k and 10k quotes/s (``bench_e2e``);
* pairs: 1, 20 and 200 pairs on the simulator with alerts every second: loop lag,
  ``/metrics`` and ``/api/v1/pairs`` times, snapshot and advance cost per pair
  (``bench_pairs``);
* universe: ``config/examples/universe.yaml`` (every catalogue pair and the index) against
  the default config: scrape times and mean loop lag (``bench_universe``);
* bus: gateway -> NATS JetStream -> daemon against the in-process path: events per second
  and added latency (``bench_bus``, a real ``nats-server`` from the dev extra);
* parsers: CPU per element of the Polygon, Alpaca and Finnhub parsers against
  ``orjson.loads`` of the same frames (``bench_parsers``).

The core is measured as the image runs it: compiled with mypyc (``--core compiled``, the
default; built into a temporary directory by ``deploy/compiled_core.py``, ~45 s, and put
first on every process's path), or as the checkout's sources (``--core source``; also the
fallback without a C compiler).

Writes only to temporary directories. Takes about 7-10 minutes on a busy 2-core machine.

    python benchmarks/run.py [--only core,memory,startup,e2e,pairs,universe,bus,parsers]
                             [--runs 5] [--core compiled|source]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_bus  # noqa: E402
import bench_e2e  # noqa: E402
import bench_memory  # noqa: E402
import bench_pairs  # noqa: E402
import bench_parsers  # noqa: E402
import bench_startup  # noqa: E402
import bench_universe  # noqa: E402
from bench_analytics import run_once  # noqa: E402
from bench_core import baseline, make_events  # noqa: E402
from common import ROOT, RUNS, Row, median, print_table  # noqa: E402

from monitor.core.analytics import DEFAULT_ANALYTICS  # noqa: E402

CORE_EVENTS = 1_000_000
COMPILED = "BENCH_COMPILED_CORE"  # marks the compiled run (a DLMON_ name would be a setting)


def core(runs: int) -> list[Row]:
    """ns per event: store-only loop, engine without analytics, engine with analytics."""
    events = make_events(CORE_EVENTS)
    store: list[float] = []
    without: list[float] = []
    with_: list[float] = []
    for _ in range(runs):  # interleaved
        gc.collect()
        start = time.perf_counter()
        baseline(events)
        store.append(len(events) / (time.perf_counter() - start))
        without.append(run_once(events, None, "always_open"))
        with_.append(run_once(events, DEFAULT_ANALYTICS, "always_open"))
    ns = {k: 1e9 / median(v) for k, v in (("store", store), ("off", without), ("on", with_))}
    return [
        Row("core", "ns/event, analytics off", ns["off"], "ns", ns["store"], "store in a dict"),
        Row(
            "core",
            "ns/event, analytics on (default)",
            ns["on"],
            "ns",
            ns["off"],
            "analytics off",
            target="<= 2,000 ns",
            met=ns["on"] <= 2_000,
        ),
    ]


def commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def run_compiled() -> int:
    """Build the compiled core into a temporary directory and run this script again with
    it first on the path (``common.python_env`` keeps it first for child processes)."""
    sys.path.append(str(ROOT))
    from deploy.compiled_core import build

    with tempfile.TemporaryDirectory(prefix="dlmon-bench-compiled-") as name:
        print("[bench] compiling the core with mypyc ...", flush=True)
        built = build(Path(name))
        path = os.pathsep.join([str(built), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env = {**os.environ, COMPILED: "1", "PYTHONPATH": path}
        return subprocess.run([sys.executable, __file__, *sys.argv[1:]], env=env).returncode


def core_kind() -> str:
    """How the core under measurement was built, from where its engine was imported."""
    import monitor.core.engine

    compiled = not (monitor.core.engine.__file__ or "").endswith(".py")
    if os.environ.get(COMPILED) and not compiled:
        raise SystemExit("the compiled core was built but the sources were imported")
    return "compiled core (mypyc)" if compiled else "core from source"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="core,memory,startup,e2e,pairs,universe,bus,parsers")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--core", choices=("compiled", "source"), default="compiled")
    args = parser.parse_args()
    if args.core == "compiled" and not os.environ.get(COMPILED):
        if shutil.which("gcc"):
            raise SystemExit(run_compiled())
        print("[bench] no C compiler (gcc): measuring the core from source", flush=True)
    kind = core_kind()
    benches: dict[str, Callable[[], list[Row]]] = {
        "core": lambda: core(args.runs),
        "memory": bench_memory.run,
        "startup": lambda: bench_startup.run(args.runs),
        "e2e": lambda: bench_e2e.run(args.runs),
        "pairs": bench_pairs.run,
        "universe": bench_universe.run,
        "bus": lambda: bench_bus.run(args.runs),
        "parsers": lambda: bench_parsers.run(args.runs),
    }
    rows: list[Row] = []
    started = time.monotonic()
    for name in args.only.split(","):
        began = time.monotonic()
        print(f"[bench] {name} ...", flush=True)
        part = benches[name]()
        print(f"[bench] {name}: {time.monotonic() - began:.0f} s", flush=True)
        print_table(part)
        rows += part
    title = (
        f"dlmon benchmarks at {commit()}, {kind} ({platform.python_implementation()}"
        f" {platform.python_version()}, medians of {args.runs}, interleaved;"
        f" {time.monotonic() - started:.0f} s in all). ratio = dlmon / baseline"
        " unless marked floor / dlmon."
    )
    print_table(rows, title)


if __name__ == "__main__":
    main()
