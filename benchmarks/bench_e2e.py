"""dlmon against the bare-client floor over a loopback websocket (Polygon protocol).

A Polygon server (``polygon_server.py``, a child process) sends the same pre-encoded
quote frames to two clients in this process, alternating, ``RUNS`` times each:

* the floor: a bare ``websockets`` client that ``orjson.loads`` each frame;
* dlmon: the daemon (``Daemon``, as ``dlmon run`` builds it) with a Polygon feed for PONY
  and the simulator for 2026.HK and USD/HKD, analytics on (the default).

It reports

* CPU per quote over a burst of 10-quote frames (dlmon from its first to its last frame
  applied; the floor from its first to its last frame decoded), and
* sender -> client latency at 1k and 10k quotes a second (1,000 frames a second of 1 or 10
  quotes): for dlmon until the quote is applied to the state (the premium is computed from
  it when read), with ten alert rules evaluated every second; for the floor until the
  frame is decoded.

    python benchmarks/bench_e2e.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from array import array
from pathlib import Path
from typing import Any

import orjson
import yaml
from websockets.asyncio.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    RUNS,
    Row,
    child,
    cpu_seconds,
    free_port,
    listening,
    median,
    print_table,
    quantile,
    wait_for,
)
from configs import pairs_config  # noqa: E402

from monitor.app.build import load  # noqa: E402
from monitor.app.daemon import Daemon  # noqa: E402
from monitor.core.events import Event  # noqa: E402
from monitor.logs import configure_logging  # noqa: E402

HANDSHAKE_FRAMES = 3  # connected, auth_success, subscribe success
BURST_FRAMES, BURST_PER = 10_000, 10
PACED_FRAMES, PACED_RATE = 3_000, 1_000.0
TIMEOUT = 120.0


class Server:
    """The Polygon server child process and the URLs of its scenarios."""

    def __init__(self, port: int, tmp: Path) -> None:
        self.port, self.tmp, self.runs = port, tmp, 0

    def burst_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/stocks?mode=burst&frames={BURST_FRAMES}&per={BURST_PER}"

    def paced_url(self, per: int) -> tuple[str, Path]:
        self.runs += 1
        log = self.tmp / f"sent-{self.runs}.bin"
        url = (
            f"ws://127.0.0.1:{self.port}/stocks?mode=paced&frames={PACED_FRAMES}&per={per}"
            f"&rate={PACED_RATE:g}&log={log}"
        )
        return url, log


def dlmon_settings_file(tmp: Path, url: str, alerts: bool) -> Path:
    """PONY: the US leg from the Polygon server, HK and FX from the simulator."""
    config: dict[str, Any] = {
        "server": {"host": "127.0.0.1", "port": 0},
        "log": {"level": "WARNING", "format": "json"},
        "sessions": {"mode": "always_open"},
        "pairs": {"PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1}},
        "feeds": {
            "poly": {"type": "polygon", "api_key": "bench", "url": url, "instruments": ["PONY"]},
            "sim": {"type": "simulator", "instruments": ["2026.HK", "USDHKD"]},
        },
        "notify": {"spool_dir": str(tmp / "notify")},
        "alerts": pairs_config(1, tmp)["alerts"] if alerts else {"state_dir": str(tmp / "alerts")},
    }
    path = tmp / "e2e.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


async def until(check: Any, what: str, poll: float = 0.005) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {TIMEOUT:g}s")
        await asyncio.sleep(poll)


async def floor_handshake(ws: Any) -> None:
    await ws.recv()
    await ws.send(orjson.dumps({"action": "auth", "params": "bench"}).decode())
    await ws.recv()
    await ws.send(orjson.dumps({"action": "subscribe", "params": "Q.PONY"}).decode())
    await ws.recv()


async def floor_burst(url: str) -> float:
    """CPU seconds per quote of the bare client over the burst."""
    target, quotes = BURST_FRAMES * BURST_PER, 0
    async with connect(url, max_size=None) as ws:
        await floor_handshake(ws)
        frame = await ws.recv()  # the first data frame: start counting from here
        start = cpu_seconds()
        while True:
            quotes += len(orjson.loads(frame))
            if quotes >= target:
                break
            frame = await ws.recv()
        return (cpu_seconds() - start) / quotes


async def floor_paced(url: str, log: Path, per: int) -> list[float]:
    """Sender -> decoded latency (seconds) of every quote."""
    received = array("q")
    async with connect(url, max_size=None) as ws:
        await floor_handshake(ws)
        while len(received) < PACED_FRAMES * per:
            items = orjson.loads(await ws.recv())
            now = time.time_ns()
            received.extend(now for _ in items)
    return await latencies(received, log, per)


async def latencies(applied: array[int], log: Path, per: int) -> list[float]:
    await until(lambda: log.exists() and log.stat().st_size == 8 * PACED_FRAMES, "send log")
    sent = read_times(log)
    return [(t - sent[k // per]) / 1e9 for k, t in enumerate(applied)]


def read_times(log: Path) -> array[int]:
    sent = array("q")
    sent.frombytes(log.read_bytes())
    return sent


class Dlmon:
    """One in-process daemon per run (a fresh engine: the frames' timestamps repeat)."""

    def __init__(self, tmp: Path, url: str, alerts: bool) -> None:
        self.daemon = Daemon(load(dlmon_settings_file(tmp, url, alerts)))
        self.health = self.daemon.feed("poly").health

    async def __aenter__(self) -> Dlmon:
        await self.daemon.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.daemon.stop()


async def dlmon_burst(tmp: Path, url: str) -> float:
    """CPU seconds per quote of dlmon over the burst (frames are dispatched synchronously:
    when the feed has counted every frame, every quote is applied)."""
    async with Dlmon(tmp, url, alerts=False) as dlmon:
        health = dlmon.health
        await until(lambda: health.messages_total >= HANDSHAKE_FRAMES, "subscription")
        start = cpu_seconds()
        while health.messages_total == HANDSHAKE_FRAMES:  # idle until the burst starts
            start = cpu_seconds()
            await asyncio.sleep(0.002)
        await until(lambda: health.messages_total >= HANDSHAKE_FRAMES + BURST_FRAMES, "burst")
        cpu = cpu_seconds() - start
    return cpu / (BURST_FRAMES * BURST_PER)


async def dlmon_paced(tmp: Path, url: str, log: Path, per: int) -> list[float]:
    """Sender -> state-applied latency (seconds) of every quote, alerts every second."""
    applied = array("q")

    def on_applied(event: Event) -> None:
        if event.source == "poly":
            applied.append(time.time_ns())

    async with Dlmon(tmp, url, alerts=True) as dlmon:
        dlmon.daemon.engine.listeners.append(on_applied)
        await until(lambda: len(applied) >= PACED_FRAMES * per, "paced quotes", poll=0.05)
    return await latencies(applied, log, per)


async def measure(server: Server, tmp: Path, runs: int) -> list[Row]:
    floor_cpu: list[float] = []
    dlmon_cpu: list[float] = []
    for _ in range(runs):  # interleaved, so that drift hits both alike
        gc.collect()
        floor_cpu.append(await floor_burst(server.burst_url()))
        gc.collect()
        dlmon_cpu.append(await dlmon_burst(tmp, server.burst_url()))
    floor, ours = median(floor_cpu), median(dlmon_cpu)
    rows = [
        Row(
            "e2e websocket",
            f"CPU per quote, {BURST_PER}-quote frames (ratio: floor / dlmon)",
            ours * 1e6,
            "µs",
            floor * 1e6,
            "bare websockets + orjson",
            target="ratio >= 0.40",
            met=floor / ours >= 0.40,
            inverse=True,
        )
    ]
    for per in (1, 10):
        p50s: dict[str, list[float]] = {"floor": [], "dlmon": []}
        p99s: dict[str, list[float]] = {"floor": [], "dlmon": []}
        for _ in range(runs):
            for who in ("floor", "dlmon"):
                gc.collect()
                url, log = server.paced_url(per)
                if who == "floor":
                    lat = await floor_paced(url, log, per)
                else:
                    lat = await dlmon_paced(tmp, url, log, per)
                p50s[who].append(quantile(lat, 0.50))
                p99s[who].append(quantile(lat, 0.99))
        rate = f"{per * PACED_RATE / 1000:g}k quotes/s"
        p99_ratio = median(p99s["dlmon"]) / median(p99s["floor"])
        rows += [
            Row(
                "e2e websocket",
                f"sender -> applied p50 at {rate}",
                median(p50s["dlmon"]) * 1e3,
                "ms",
                median(p50s["floor"]) * 1e3,
                "floor p50",
            ),
            Row(
                "e2e websocket",
                f"sender -> applied p99 at {rate} (alerts every 1 s)",
                median(p99s["dlmon"]) * 1e3,
                "ms",
                median(p99s["floor"]) * 1e3,
                "floor p99",
                target="ratio <= 2" if per == 1 else "",
                met=p99_ratio <= 2.0 if per == 1 else None,
            ),
        ]
    return rows


def run(runs: int = RUNS) -> list[Row]:
    configure_logging("WARNING", "json")
    with tempfile.TemporaryDirectory(prefix="dlmon-bench-e2e-") as name:
        tmp = Path(name)
        port = free_port()
        with child([str(ROOT / "benchmarks" / "polygon_server.py"), "--port", str(port)], tmp):
            wait_for(lambda: listening(port), 30, "Polygon bench server")
            return asyncio.run(measure(Server(port, tmp), tmp, runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    print_table(run(args.runs))


if __name__ == "__main__":
    main()
