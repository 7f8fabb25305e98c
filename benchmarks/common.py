"""What the benchmarks share: result rows, medians, quantiles, HTTP polling, child processes.

Every figure of ``make bench`` is a :class:`Row`: dlmon's value, the baseline measured in
the same run, their ratio and the issue-11 target it is judged against.
"""

from __future__ import annotations

import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5


@dataclass(frozen=True, slots=True)
class Row:
    """One figure: ``value`` against ``baseline`` (same unit), judged by ``target``."""

    group: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    met: bool | None = None
    inverse: bool = False  # ratio as baseline / value (an efficiency: higher is better)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0 or self.value == 0:
            return None
        return self.baseline / self.value if self.inverse else self.value / self.baseline


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; NaN when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def histogram_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float:
    """Prometheus's ``histogram_quantile`` over cumulative ``(le, count)`` buckets."""
    if not buckets or buckets[-1][1] <= 0:
        return math.nan
    rank = q * buckets[-1][1]
    lower, below = 0.0, 0.0
    for le, count in buckets:
        if count >= rank:
            if math.isinf(le):
                return lower  # as Prometheus: the highest finite bound
            if count == below:
                return le
            return lower + (le - lower) * (rank - below) / (count - below)
        lower, below = le, count
    return lower


def scrape_histogram(text: str, name: str) -> list[tuple[float, float]]:
    """Cumulative buckets of an unlabelled histogram ``name`` from a Prometheus exposition."""
    out = []
    prefix = f'{name}_bucket{{le="'
    for line in text.splitlines():
        if line.startswith(prefix):
            le, value = line[len(prefix) :].split('"}')
            out.append((float(le), float(value)))
    return sorted(out)


def bucket_delta(
    after: Sequence[tuple[float, float]], before: Sequence[tuple[float, float]]
) -> list[tuple[float, float]]:
    """The buckets of what was observed between two scrapes."""
    earlier = dict(before)
    return [(le, count - earlier.get(le, 0.0)) for le, count in after]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def http_get(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    """Status and body of a GET (errors as status 0 or the HTTP status)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except OSError:
        return 0, b""


def timed_get(url: str) -> tuple[float, int]:
    """Seconds a GET took, and the body size."""
    start = time.perf_counter()
    status, body = http_get(url)
    elapsed = time.perf_counter() - start
    if status != 200:
        raise RuntimeError(f"GET {url}: HTTP {status}")
    return elapsed, len(body)


def wait_for(check: Callable[[], bool], timeout: float, what: str, poll: float = 0.01) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {timeout:g}s")
        time.sleep(poll)


def python_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLMON_")}
    # ROOT after what the run was given (the compiled core of run.py goes first)
    env["PYTHONPATH"] = os.pathsep.join([env.get("PYTHONPATH", ""), str(ROOT)]).lstrip(os.pathsep)
    env["DLMON_LOG__FORMAT"] = "json"
    env["DLMON_LOG__LEVEL"] = "WARNING"
    return env


@contextmanager
def child(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process (``python ARGS``, stderr to ``cwd``) stopped with SIGTERM on exit."""
    with (cwd / "stderr.log").open("ab") as stderr:
        proc = subprocess.Popen(
            [sys.executable, *args],
            cwd=cwd,
            env=env or python_env(),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


def stderr_tail(cwd: Path, size: int = 2000) -> str:
    """The end of what children started in ``cwd`` wrote to stderr."""
    path = cwd / "stderr.log"
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


def instructions(args: Sequence[str], cwd: Path, env: dict[str, str]) -> int:
    """Instructions that ``python ARGS`` executes, counted by valgrind (cachegrind without
    its cache simulation): a figure the load of a shared machine does not move."""
    counted = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            f"--cachegrind-out-file={cwd / 'cachegrind.out'}",
            sys.executable,
            *args,
        ],
        cwd=cwd,
        env={**env, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", counted.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {counted.stderr[-500:]}")
    return int(found.group(1).replace(",", ""))


def rss_bytes() -> int:
    """Resident set size of this process (Linux ``/proc``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def cpu_seconds() -> float:
    """CPU time of this process (user + system)."""
    return time.process_time()


def fmt(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    if value == 0 or 0.01 <= abs(value) < 100_000:
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:.3g}"


def print_table(rows: Sequence[Row], title: str = "") -> None:
    """Print ``rows`` grouped, with value, baseline, ratio and target."""
    header = ("figure", "dlmon", "baseline", "ratio", "unit", "baseline is", "target", "met")
    table = [header]
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "NO")
        table.append(
            (
                f"{row.group}: {row.name}",
                fmt(row.value),
                fmt(row.baseline),
                fmt(row.ratio),
                row.unit,
                row.baseline_name,
                row.target,
                met,
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    if title:
        print(f"\n{title}")
    for n, line in enumerate(table):
        print(
            "  ".join(
                cell.ljust(w) if i in (0, 4, 5, 6) else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))
