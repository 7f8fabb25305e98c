"""CPU per quote of the provider parsers (Polygon, Alpaca, Finnhub) on 10-element frames.

For each provider the same pre-encoded frames are run through
  * floor:  ``orjson.loads`` of the frame (the decoding every parser must do), and
  * parser: the provider's parser (decode, check, build the events),
interleaved, each the median of ``--runs`` runs; prints ns per element for both and
the ratio floor / parser (1.0 would be a parser that costs nothing beyond decoding).

    python benchmarks/bench_parsers.py [--frames 20000] [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from monitor.feeds.alpaca.parse import AlpacaParser
from monitor.feeds.finnhub.parse import FinnhubParser
from monitor.feeds.polygon.parse import PolygonParser

PER_FRAME = 10
T0_MS = 1_795_208_398_123


def polygon_frames(count: int) -> list[bytes]:
    return [
        orjson.dumps(
            [
                {
                    "ev": "Q",
                    "sym": "PONY",
                    "bx": 12,
                    "bp": 18.42 + i * 0.01,
                    "bs": 3,
                    "ax": 11,
                    "ap": 18.45 + i * 0.01,
                    "as": 5,
                    "c": 1,
                    "z": 3,
                    "t": T0_MS + n * PER_FRAME + i,
                }  # fmt: skip
                for i in range(PER_FRAME)
            ]
        )
        for n in range(count)
    ]


def alpaca_frames(count: int) -> list[bytes]:
    return [
        orjson.dumps(
            [
                {
                    "T": "q",
                    "S": "PONY",
                    "bx": "V",
                    "bp": 18.42 + i * 0.01,
                    "bs": 3,
                    "ax": "V",
                    "ap": 18.45 + i * 0.01,
                    "as": 5,
                    "t": f"2026-11-20T15:{n % 60:02d}:{i:02d}.123456789Z",
                    "c": ["R"],
                    "z": "C",
                }  # fmt: skip
                for i in range(PER_FRAME)
            ]
        )
        for n in range(count)
    ]


def finnhub_frames(count: int) -> list[bytes]:
    return [
        orjson.dumps(
            {
                "type": "trade",
                "data": [
                    {
                        "s": "PONY",
                        "p": 18.44 + i * 0.01,
                        "v": 100,
                        "t": T0_MS + n * 10 + i,
                        "c": ["1"],
                    }  # fmt: skip
                    for i in range(PER_FRAME)
                ],
            }
        )
        for n in range(count)
    ]


def floor(frames: Sequence[bytes]) -> None:
    loads = orjson.loads
    for frame in frames:
        loads(frame)


def run_parser(parse: Callable[[bytes, int], object]) -> Callable[[Sequence[bytes]], None]:
    def run(frames: Sequence[bytes]) -> None:
        for frame in frames:
            parse(frame, 0)

    return run


def ns_per_element(fn: Callable[[Sequence[bytes]], None], frames: Sequence[bytes]) -> float:
    gc.collect()
    start = time.perf_counter_ns()
    fn(frames)
    return (time.perf_counter_ns() - start) / (len(frames) * PER_FRAME)


def measure(runs: int, frames: int) -> dict[str, tuple[float, float]]:
    """Per provider: median ns per element of the floor and of the parser (interleaved)."""
    cases = {
        "polygon": (PolygonParser({"PONY": "PONY"}), polygon_frames(frames)),
        "alpaca": (AlpacaParser({"PONY": "PONY"}), alpaca_frames(frames)),
        "finnhub": (FinnhubParser({"PONY": "PONY"}), finnhub_frames(frames)),
    }
    out = {}
    for name, (parse, encoded) in cases.items():
        run_parse = run_parser(parse)
        floors, parsers = [], []
        for _ in range(runs):  # interleaved: both see the same machine state
            floors.append(ns_per_element(floor, encoded))
            parsers.append(ns_per_element(run_parse, encoded))
        out[name] = (statistics.median(floors), statistics.median(parsers))
    return out


def run(runs: int = 5, frames: int = 20_000) -> list[Any]:
    """The rows of ``make bench`` (``benchmarks/run.py --only parsers``)."""
    from common import Row

    return [
        Row(
            "parsers",
            f"{name}: CPU per element, 10-element frames (ratio floor / parser)",
            parser / 1000,
            "µs",
            floor / 1000,
            "orjson.loads",
            inverse=True,
        )
        for name, (floor, parser) in measure(runs, frames).items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--frames", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'provider':<9} {'floor ns/el':>12} {'parser ns/el':>13} {'ratio':>7}")
    for name, (f, p) in measure(args.runs, args.frames).items():
        print(f"{name:<9} {f:>12.0f} {p:>13.0f} {f / p:>7.3f}")


if __name__ == "__main__":
    main()
