"""Generated dlmon configs for the benchmarks: N pairs on the simulator, alerts every second.

The built-in catalogue holds 20 dual listings, and the simulator serves every configured
pair whose legs it lists; so N synthetic pairs (``SIM001`` … with explicit ``us``, ``hk``
and ``ads_ratio``) are enough. ``config/examples/pairs200.yaml`` is ``pairs_config(200)``
with its state in /tmp (``python benchmarks/configs.py 200`` prints it).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

RATIOS = (1, 2, 3, 5, 8, 10)
UPDATES_PER_PAIR = 2.0  # simulator updates per pair per second (~1 per equity leg)


def pair_names(count: int) -> list[str]:
    return [f"SIM{i:03d}" for i in range(1, count + 1)]


def pairs_config(count: int, state_dir: Path, port: int = 9108) -> dict[str, Any]:
    """``count`` pairs on one simulator, analytics on, ten alert rules every second."""
    pairs = {
        name: {"us": name, "hk": f"S{i:03d}.HK", "ads_ratio": RATIOS[i % len(RATIOS)]}
        for i, name in enumerate(pair_names(count), start=1)
    }
    instruments = [leg for p in pairs.values() for leg in (p["us"], p["hk"])] + ["USDHKD"]
    return {
        "server": {"host": "127.0.0.1", "port": port},
        "log": {"level": "WARNING", "format": "json"},
        "sessions": {"mode": "always_open"},
        "pairs": pairs,
        "feeds": {
            "sim": {
                "type": "simulator",
                "mode": "demo",
                "seed": 7,
                "updates_per_second": max(20.0, UPDATES_PER_PAIR * count),
                "instruments": instruments,
            }
        },
        "alerts": {
            "evaluation_interval_seconds": 1,
            "state_dir": str(state_dir / "alerts"),
            "rules": {
                "premium_rich": {"kind": "premium", "direction": "above", "threshold": "2%"},
                "premium_cheap": {"kind": "premium", "direction": "below", "threshold": "-2%"},
                "edge_positive": {"kind": "edge", "basis": "any", "threshold": "0bp"},
                "premium_zscore": {
                    "kind": "zscore",
                    "window_seconds": 3600,
                    "min_samples": 300,
                    "threshold": 3,
                    "clear": 2,
                },
                "leg_stale": {"kind": "stale_leg", "legs": ["us", "hk", "fx"]},
                "feed_down": {"kind": "feed_down", "for_seconds": 30},
                "usdhkd_peg": {"kind": "fx_band", "low": 7.75, "high": 7.85},
                "spread_wide": {"kind": "spread", "legs": ["us", "hk"], "multiple": 3},
                "turnover_spike": {"kind": "turnover_spike", "window": "1m", "multiple": 5},
                "possible_halt": {"kind": "no_trades", "legs": ["hk"], "minutes": 10},
            },
        },
        "notify": {"spool_dir": str(state_dir / "notify")},
    }


def write_config(count: int, directory: Path, port: int) -> Path:
    path = directory / f"pairs{count}.yaml"
    path.write_text(yaml.safe_dump(pairs_config(count, directory, port), sort_keys=False))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description="print a generated N-pair config")
    parser.add_argument("count", type=int)
    parser.add_argument("--state-dir", type=Path, default=Path("/tmp/dlmon-pairs"))
    args = parser.parse_args()
    config = pairs_config(args.count, args.state_dir / f"pairs{args.count}")
    del config["log"]
    print(yaml.safe_dump(config, sort_keys=False, width=100, default_flow_style=None), end="")


if __name__ == "__main__":
    main()
