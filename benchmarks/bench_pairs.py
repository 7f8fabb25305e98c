"""dlmon with 1, 20 and 200 pairs on the simulator: loop lag, /metrics and /api/v1/pairs.

For each size, ``dlmon run`` starts as a child process on a generated config
(``configs.py``: N pairs on one simulator at ~2 updates per pair per second, analytics on,
ten alert rules evaluated every second; state in a temporary directory). After a warm-up,
for ``WINDOW`` seconds it is scraped once a second (``/metrics``, then ``/api/v1/pairs``),
each request alternating with the same request to a bare aiohttp app serving a body of the
same size. The event-loop lag p99 over the window comes from dlmon's own
``dlmon_event_loop_lag_seconds`` histogram (interpolated as ``histogram_quantile`` does);
its baseline is the same probe in the bare app, idle.

It also times ``Engine.snapshot`` in this process on N pairs loaded with simulator events,
with and without analytics, each read at a new second (medians of 20 reads, in CPU time of
the thread: a pure function on a shared machine), and, where valgrind is installed, counts
its instructions per pair at 20 pairs (``snapshot_count.py``): the CPU time moves with the
load of the machine by tens of percent, the count not at all.

    python benchmarks/bench_pairs.py [--sizes 1,20,200] [--window 10]
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    Row,
    bucket_delta,
    child,
    free_port,
    histogram_quantile,
    http_get,
    instructions,
    listening,
    median,
    print_table,
    python_env,
    scrape_histogram,
    stderr_tail,
    timed_get,
    wait_for,
)
from configs import UPDATES_PER_PAIR, pair_names, write_config  # noqa: E402

from monitor.app.heap import settle_heap  # noqa: E402
from monitor.core.analytics import DEFAULT_ANALYTICS, AnalyticsSettings  # noqa: E402
from monitor.core.engine import Engine  # noqa: E402
from monitor.core.events import NS_PER_SECOND, Event  # noqa: E402
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair  # noqa: E402
from monitor.core.sessions import SessionCalendar  # noqa: E402
from monitor.feeds.simulator.config import SimulatorOptions  # noqa: E402
from monitor.feeds.simulator.model import MarketModel  # noqa: E402

SIZES = (1, 20, 200)
WINDOW = 10.0
WARM_UP = 3.0
READY_TIMEOUT = 45.0
LAG = "dlmon_event_loop_lag_seconds"
T0 = 1_790_000_000_000_000_000


def run_size(count: int, tmp: Path, bare: str, window: float) -> list[Row]:
    port = free_port()
    directory = tmp / f"pairs{count}"
    directory.mkdir()
    config = write_config(count, directory, port)
    base = f"http://127.0.0.1:{port}"
    group = f"{count} pair{'s' if count > 1 else ''}"
    with child(["-m", "monitor", "run", "--config", str(config)], directory) as proc:
        started = time.monotonic()
        try:
            wait_for(lambda: http_get(base + "/readyz")[0] == 200, READY_TIMEOUT, "/readyz", 0.2)
            ready = time.monotonic() - started
        except TimeoutError:
            if proc.poll() is not None:
                raise RuntimeError(f"dlmon exited: {stderr_tail(directory)}") from None
            ready = float("nan")  # measured anyway: a stalled loop is what we look for
        time.sleep(WARM_UP)
        ours: dict[str, list[float]] = {"/metrics": [], "/api/v1/pairs": []}
        theirs: dict[str, list[float]] = {"/metrics": [], "/api/v1/pairs": []}
        lag_before = scrape_histogram(http_get(base + "/metrics")[1].decode(), LAG)
        bare_before = scrape_histogram(http_get(bare + "/lag")[1].decode(), LAG)
        end = time.monotonic() + window
        while time.monotonic() < end:
            tick = time.monotonic()
            for path in ours:
                elapsed, size = timed_get(base + path)
                ours[path].append(elapsed)
                theirs[path].append(timed_get(f"{bare}/blob?bytes={size}")[0])
            time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
        lag_after = scrape_histogram(http_get(base + "/metrics")[1].decode(), LAG)
        bare_after = scrape_histogram(http_get(bare + "/lag")[1].decode(), LAG)
    window_lag = bucket_delta(lag_after, lag_before)
    lag = histogram_quantile(0.99, window_lag)
    bare_lag = histogram_quantile(0.99, bucket_delta(bare_after, bare_before))
    big = count >= 200
    beyond = (
        len(window_lag) > 1 and window_lag[-1][1] - window_lag[-2][1] > 0.01 * window_lag[-1][1]
    )
    rows = [
        Row(group, "time to /readyz", ready, "s"),
        Row(
            group,
            "event-loop lag p99 (alerts 1 s, scraped 1 s)"
            + (" >= top bucket (5 s)" if beyond else ""),
            lag * 1e3,
            "ms",
            bare_lag * 1e3,
            "idle aiohttp app",
            target="< 5 ms" if big else "",
            met=lag < 0.005 if big else None,
        ),
    ]
    for path in ours:
        p50 = median(ours[path])
        rows.append(
            Row(
                group,
                f"GET {path} median (max {max(ours[path]) * 1e3:,.1f} ms)",
                p50 * 1e3,
                "ms",
                median(theirs[path]) * 1e3,
                "same bytes, bare aiohttp",
                target="< 50 ms" if big and path == "/metrics" else "",
                met=max(ours[path]) < 0.05 if big and path == "/metrics" else None,
            )
        )
    return rows


def synthetic_pairs(count: int) -> list[Pair]:
    fx = Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND)
    return [
        Pair(
            name=name,
            us=Instrument(name, "XNAS", "USD"),
            hk=Instrument(f"S{i:03d}.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
            fx=fx,
            ads_ratio=1.0,
        )
        for i, name in enumerate(pair_names(count), start=1)
    ]


def simulated_events(pairs: list[Pair], seconds: int) -> list[Event]:
    """``seconds`` of simulator events for ``pairs`` at ~2 updates per pair per second."""
    legs = [(p.us.symbol, p.hk.symbol, p.ads_ratio) for p in pairs]
    model = MarketModel(SimulatorOptions(seed=7), legs, "USDHKD", "sim")
    symbols = {s for us, hk, _ in legs for s in (us, hk)} | {"USDHKD"}
    step = int(NS_PER_SECOND / (UPDATES_PER_PAIR * len(pairs)))
    events: list[Event] = []
    for i in range(int(seconds * UPDATES_PER_PAIR * len(pairs))):
        events.extend(model.next_events(T0 + i * step, symbols))
    return events


def snapshot_cost(
    count: int, analytics: AnalyticsSettings | None, events: list[Event]
) -> tuple[float, float]:
    """Median seconds per ``snapshot(now)`` and per once-a-second ``advance(now)`` of
    ``count`` pairs loaded with ``events``, advanced each second as the daemon does."""
    engine = Engine(synthetic_pairs(count), SessionCalendar("always_open"), analytics=analytics)
    reads = 20
    second = -1
    advances = []
    for event in events:
        if event.ts_recv // NS_PER_SECOND != second:
            second = event.ts_recv // NS_PER_SECOND
            start = time.thread_time()
            engine.advance(event.ts_recv)
            advances.append(time.thread_time() - start)
        engine.on_event(event)
    now = events[-1].ts_recv
    settle_heap()  # as the daemon, once started (monitor/app/heap.py)
    times = []
    for i in range(reads):
        gc.collect()
        at = now + (i + 1) * NS_PER_SECOND
        engine.advance(at)
        start = time.thread_time()
        engine.snapshot(at)
        times.append(time.thread_time() - start)
    return median(times), median(advances[len(advances) // 2 :])


COUNTED_PAIRS = 20
COUNTED_SNAPSHOTS = 10


def snapshot_instructions(analytics: bool, cwd: Path) -> float:
    """Instructions per pair of one ``Engine.snapshot`` at ``COUNTED_PAIRS`` pairs."""
    counted = str(ROOT / "benchmarks" / "snapshot_count.py")
    script = [counted, str(COUNTED_PAIRS), str(COUNTED_SNAPSHOTS)]
    extra = [] if analytics else ["off"]
    env = python_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
    warm = [sys.executable, *script, "read", *extra]  # compiles the bytecode, uncounted
    subprocess.run(warm, cwd=cwd, env=env, check=True)
    counts = [instructions([*script, mode, *extra], cwd, env) for mode in ("skip", "read")]
    return (counts[1] - counts[0]) / COUNTED_SNAPSHOTS / COUNTED_PAIRS


def run(sizes: tuple[int, ...] = SIZES, window: float = WINDOW) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dlmon-bench-pairs-") as name:
        tmp = Path(name)
        bare_port = free_port()
        app = [str(ROOT / "benchmarks" / "bare_app.py"), "--port", str(bare_port), "--probe"]
        with child(app, tmp):
            wait_for(lambda: listening(bare_port), 30, "bare aiohttp app")
            for count in sizes:
                rows += run_size(count, tmp, f"http://127.0.0.1:{bare_port}", window)
    if shutil.which("valgrind"):
        with tempfile.TemporaryDirectory(prefix="dlmon-bench-snapshot-") as name:
            tmp = Path(name)
            on, off = snapshot_instructions(True, tmp), snapshot_instructions(False, tmp)
        rows.append(
            Row(
                f"{COUNTED_PAIRS} pairs",
                "Engine.snapshot per pair, instructions (valgrind)",
                on / 1e3,
                "k",
                off / 1e3,
                "analytics off",
            )
        )
    for count in sizes:
        events = simulated_events(synthetic_pairs(count), 600)
        with_, advance = snapshot_cost(count, DEFAULT_ANALYTICS, events)
        without, advance_off = snapshot_cost(count, None, events)
        big = count >= 200
        rows.append(
            Row(
                f"{count} pair{'s' if count > 1 else ''}",
                "Engine.snapshot per pair, analytics on",
                with_ / count * 1e6,
                "µs",
                without / count * 1e6,
                "analytics off",
                target="< 50 µs" if big else "",
                met=with_ / count < 50e-6 if big else None,
            )
        )
        rows.append(
            Row(
                f"{count} pair{'s' if count > 1 else ''}",
                "Engine.advance per pair, once a second",
                advance / count * 1e6,
                "µs",
                advance_off / count * 1e6,
                "analytics off",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--window", type=float, default=WINDOW)
    args = parser.parse_args()
    print_table(run(tuple(int(s) for s in args.sizes.split(",")), args.window))


if __name__ == "__main__":
    main()
