"""Cost of serving the whole universe: every catalogue pair on one daemon, with the index.

Starts ``dlmon run`` as a subprocess (in a temporary directory, on a free port) twice: with
the built-in default (one pair: the baseline of the same run) and with
``config/examples/universe.yaml`` (every catalogue pair, the premium index). Once each has
a premium for every pair it measures, as medians of ``--rounds`` rounds one second apart:

  * the time of one ``GET /metrics`` and one ``GET /api/v1/pairs`` (client side, loopback),
  * the event-loop lag the daemon reports (``dlmon_event_loop_lag_seconds``) when it
    exports it, else ``n/a``; ``GET /healthz`` round trip as a rough proxy either way,

and prints a table with the universe / default ratio.

    python benchmarks/bench_universe.py [--config FILE] [--rounds 5] [--settle 5]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
UNIVERSE = ROOT / "config" / "examples" / "universe.yaml"
LAG = "dlmon_event_loop_lag_seconds"


sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import Row  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body


def timed(url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    body = fetch(url)
    return time.perf_counter() - start, body


@contextmanager
def daemon(config: Path | None) -> Iterator[str]:
    """A running ``dlmon run`` (``config`` None: the built-in default); yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLMON_")}
    env.update(DLMON_SERVER__PORT=str(port), DLMON_LOG__LEVEL="WARNING")
    args = [sys.executable, "-m", "monitor", "run"]
    if config is not None:
        args += ["--config", str(config)]
    with tempfile.TemporaryDirectory(prefix="dlmon-bench-") as tmp:
        proc = subprocess.Popen(
            args, cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def wait_for(check: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"daemon not ready within {within:g} s")


def every_premium(base: str) -> bool:
    rows = json.loads(fetch(base + "/api/v1/pairs"))
    return bool(rows) and all(r["premium"]["mid"] is not None for r in rows)


def loop_lag(exposition: bytes) -> float | None:
    """The reported event-loop lag: a gauge's largest sample, or a summary's mean."""
    for family in text_string_to_metric_families(exposition.decode()):
        if family.name != LAG:
            continue
        plain = [s.value for s in family.samples if s.name == LAG]
        if plain:
            return max(plain)
        total = sum(s.value for s in family.samples if s.name == LAG + "_sum")
        count = sum(s.value for s in family.samples if s.name == LAG + "_count")
        return total / count if count else None
    return None


def measure(config: Path | None, rounds: int, settle: float) -> dict[str, float | None]:
    with daemon(config) as base:
        wait_for(lambda: every_premium(base), within=60)
        time.sleep(settle)  # let the analytics windows and the index fill a little
        metrics, pairs, health, lags = [], [], [], []
        npairs = len(json.loads(fetch(base + "/api/v1/pairs")))
        for _ in range(rounds):
            seconds, body = timed(base + "/metrics")
            metrics.append(seconds)
            lags.append(loop_lag(body))
            pairs.append(timed(base + "/api/v1/pairs")[0])
            health.append(timed(base + "/healthz")[0])
            time.sleep(1.0)
    known = [lag for lag in lags if lag is not None]
    return {
        "pairs": float(npairs),
        "metrics_s": statistics.median(metrics),
        "api_pairs_s": statistics.median(pairs),
        "healthz_s": statistics.median(health),
        "loop_lag_s": statistics.median(known) if known else None,
    }


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if unit == "" else f"{value * 1e3:.2f} ms"


def run(rounds: int = 5, settle: float = 5.0) -> list[Row]:
    """The universe config against the built-in default, as rows for ``make bench``."""
    base = measure(None, rounds, settle)
    wide = measure(UNIVERSE, rounds, settle)
    group = f"universe ({wide['pairs']:.0f} pairs)"
    rows = []
    for label, key in (
        ("GET /metrics median", "metrics_s"),
        ("GET /api/v1/pairs median", "api_pairs_s"),
        ("mean event-loop lag", "loop_lag_s"),
    ):
        value, baseline = wide[key], base[key]
        if value is None:
            continue
        rows.append(
            Row(group, label, value * 1e3, "ms", None if baseline is None else baseline * 1e3,
                "default config (1 pair)")
        )  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=UNIVERSE, help="the universe config")
    parser.add_argument("--rounds", type=int, default=5, help="measurements per figure")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before measuring")
    args = parser.parse_args(argv)
    base = measure(None, args.rounds, args.settle)
    wide = measure(args.config, args.rounds, args.settle)
    rows = [
        ("pairs", "", "pairs"),
        ("GET /metrics", "s", "metrics_s"),
        ("GET /api/v1/pairs", "s", "api_pairs_s"),
        ("GET /healthz", "s", "healthz_s"),
        ("event-loop lag", "s", "loop_lag_s"),
    ]
    print(f"bench_universe: medians of {args.rounds}; baseline = built-in default (same run)")
    print(f"{'figure':<20} {'default':>12} {'universe':>12} {'ratio':>8}")
    for label, unit, key in rows:
        a, b = base[key], wide[key]
        ratio = f"{b / a:.1f}x" if a and b is not None else "n/a"
        print(f"{label:<20} {show(a, unit):>12} {show(b, unit):>12} {ratio:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
