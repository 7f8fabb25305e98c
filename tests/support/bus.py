"""Configurations of the bus tests: a gateway on the simulator, daemons on its stream."""

from __future__ import annotations

from typing import Any

from monitor.settings.root import Settings

PAIRS: dict[str, dict[str, Any]] = {
    "PONY": {"us": "PONY", "hk": "2026.HK", "ads_ratio": 1},
    "BABA": {"us": "BABA", "hk": "9988.HK", "ads_ratio": 8},
    "JD": {"us": "JD", "hk": "9618.HK", "ads_ratio": 2},
    "NTES": {"us": "NTES", "hk": "9999.HK", "ads_ratio": 5},
}
LEGS = {name: [p["us"], p["hk"], "USDHKD"] for name, p in PAIRS.items()}


def gateway_config(url: str, pairs: tuple[str, ...] = ("PONY",), **bus: Any) -> dict[str, Any]:
    """A gateway publishing the simulator (feed ``sim``) of ``pairs`` to ``url``."""
    instruments = sorted({leg for pair in pairs for leg in LEGS[pair]})
    return {
        "server": {"host": "127.0.0.1", "port": 0},
        "sessions": {"mode": "always_open"},
        "pairs": {name: PAIRS[name] for name in pairs},
        "feeds": {
            "sim": {
                "type": "simulator",
                "updates_per_second": 50,
                "instruments": instruments,
            }
        },
        "bus": {"url": url, "stream": "TICKS", "heartbeat_seconds": 0.2, **bus},
    }


def daemon_config(url: str, pairs: tuple[str, ...] = ("PONY",), **feed: Any) -> dict[str, Any]:
    """A daemon whose one feed ``sim`` is the gateway's ``sim`` read from the bus."""
    options = {
        "type": "nats",
        "url": url,
        "stream": "TICKS",
        "gateway_silence_seconds": 1.5,
        "fetch_wait_seconds": 0.2,
        "connection": {
            "initial_backoff_seconds": 0.1,
            "session_max_backoff_seconds": 0.3,
            "max_backoff_seconds": 0.5,
            "min_attempt_interval_seconds": 0.1,
        },
        **feed,
    }
    return {
        "server": {"host": "127.0.0.1", "port": 0, "snapshot_interval_seconds": 0.1},
        "sessions": {"mode": "always_open"},
        # long limits: a premium that disappears within seconds does so because the feed
        # reported its source down, not by silence
        "staleness": {"us_seconds": 60, "hk_seconds": 60, "fx_seconds": 60},
        "pairs": {name: PAIRS[name] for name in pairs},
        "feeds": {"sim": options},
    }


def settings(data: dict[str, Any]) -> Settings:
    return Settings(**data)


__all__ = ["LEGS", "PAIRS", "daemon_config", "gateway_config", "settings"]
