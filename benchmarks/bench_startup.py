"""Start-up: ``dlmon run`` (built-in simulator config) to a 200 on ``/readyz``, against a
bare aiohttp app (``bare_app.py``) started the same way, alternating, medians of 5.

``/readyz`` of dlmon also needs a fresh price on every leg (the simulator's first ticks).
Both run once unmeasured first, with bytecode cached in a temporary directory
(``PYTHONPYCACHEPREFIX``), as an installed package would have it.

Where valgrind is installed, both are also counted in instructions up to the moment they
serve (``serving_exit.py``; hash seed fixed): the count does not move with the load of a
shared machine, so it shows what the wall-clock ratio measures without its noise.

    python benchmarks/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
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
    instructions,
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


def serving_instructions(which: str, cwd: Path) -> int:
    """Instructions of ``serving_exit.py WHICH`` under valgrind, bytecode cached first."""
    env = python_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")
    script = [str(ROOT / "benchmarks" / "serving_exit.py"), which]
    subprocess.run([sys.executable, *script, str(free_port())], cwd=cwd, env=env, check=True)
    return instructions([*script, str(free_port())], cwd, env)


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
        counts = None
        if shutil.which("valgrind"):
            counts = serving_instructions("dlmon", tmp), serving_instructions("bare", tmp)
    bare, ours = bare[1:], ours[1:]
    rows = [
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
    if counts is not None:
        rows.append(
            Row(
                "start-up",
                "instructions to serving (valgrind)",
                counts[0] / 1e6,
                "M",
                counts[1] / 1e6,
                "bare aiohttp app",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    print_table(run(parser.parse_args().runs))


if __name__ == "__main__":
    main()
