"""Rendezvous (highest-random-weight) hashing: which shard of ``n`` serves a pair.

Each pair goes to the shard with the highest ``hash(pair, shard)``. The choice depends
only on the pair's name and the number of shards, so adding or removing a pair never moves
another one, and going from ``n`` to ``n + 1`` shards moves only the pairs the new shard
wins (about ``1 / (n + 1)`` of them). Thaler & Ravishankar, "Using name-based mappings to
increase hit rates", IEEE/ACM ToN 6(1), 1998.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def shard_weight(name: str, shard: int) -> int:
    """The stable pseudo-random weight of ``name`` on ``shard`` (64-bit BLAKE2b)."""
    digest = hashlib.blake2b(f"{name}\x00{shard}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def shard_of(name: str, count: int) -> int:
    """The shard (``0 <= shard < count``) that serves ``name``."""
    if count < 1:
        raise ValueError("count must be >= 1")
    return max(range(count), key=lambda shard: shard_weight(name, shard))


def assigned(names: Iterable[str], index: int, count: int) -> list[str]:
    """The names, in their order, that shard ``index`` of ``count`` serves."""
    return [name for name in names if shard_of(name, count) == index]


__all__ = ["assigned", "shard_of", "shard_weight"]
