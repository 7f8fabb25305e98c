"""Start-up: ``dlmon run`` (built-in simulator config) to a 200 on ``/readyz``, against a
bare aiohttp app (``bare_app.py``) started the same way, alternating, medians of 5.

``/readyz`` of dlmon also needs a fresh price on every leg (the simulator's first ticks).
Both run once unmeasured first, with bytecode cached in a temporary directory
(``PYTHONPYCACHEPREFIX``), as an installed package would have it.

    python benchmarks/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    ROOT,
    RUNS,
    Row,
    child,
    free_port,
    http_get,
    median,
    print_table,
    python_env,
    wait_for,
)


def time_to_ready(args: list[str], port: int, cwd: Path) -> float:
    env = python_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
    env["DLMON_SERVER__PORT"] = str(port)
    start = time.perf_counter()
    with child(args, cwd, env):
        url = f"http://127.0.0.1:{port}/readyz"
        wait_for(lambda: http_get(url, timeout=1.0)[0] == 200, 60, "/readyz", poll=0.005)
        return time.perf_counter() - start


def run(runs: int = RUNS) -> list[Row]:
    bare: list[float] = []
    ours: list[float] = []
    with tempfile.TemporaryDirectory(prefix="dlmon-bench-startup-") as name:
        tmp = Path(name)
        bare_app = [str(ROOT / "benchmarks" / "bare_app.py"), "--port"]
        for _ in range(runs + 1):  # the first round warms the bytecode and file caches
            port = free_port()
            bare.append(time_to_ready([*bare_app, str(port)], port, tmp))
            port = free_port()
            ours.append(time_to_ready(["-m", "monitor", "run"], port, tmp))
    bare, ours = bare[1:], ours[1:]
    return [
        Row(
            "start-up",
            "`dlmon run` (simulator) to /readyz 200",
            median(ours),
            "s",
            median(bare),
            "bare aiohttp app",
            target="ratio <= 2",
            met=median(ours) <= 2 * median(bare),
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    print_table(run(parser.parse_args().runs))


if __name__ == "__main__":
    main()
