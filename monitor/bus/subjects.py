"""Subjects of the tick bus: ``<prefix>.ticks.<feed>.<instrument>``, ``<prefix>.health.<feed>``.

A NATS subject is dot-separated, so a name is turned into one token by replacing the
characters a token cannot hold (``.``, ``*``, ``>``, white space) with ``_``: ``2026.HK``
travels on ``dlmon.ticks.sim.2026_HK``. The mapping is not reversible (``A.B`` and
``A_B`` share a subject); the payload carries the real name, which consumers check.
"""

from __future__ import annotations

import re

_NOT_IN_TOKEN = re.compile(r"[.*>\s]")


def token(name: str) -> str:
    """``name`` as one subject token."""
    return _NOT_IN_TOKEN.sub("_", name) or "_"


def tick_subject(prefix: str, feed: str, instrument: str) -> str:
    return f"{prefix}.ticks.{token(feed)}.{token(instrument)}"


def health_subject(prefix: str, feed: str) -> str:
    return f"{prefix}.health.{token(feed)}"


def stream_subjects(prefix: str) -> list[str]:
    """The subjects a dlmon stream holds."""
    return [f"{prefix}.ticks.>", f"{prefix}.health.>"]


__all__ = ["health_subject", "stream_subjects", "tick_subject", "token"]
