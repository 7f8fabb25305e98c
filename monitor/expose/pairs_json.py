"""Each pair's JSON of the published snapshot (the ``/api/v1/pairs`` shape), encoded once
per snapshot and shared by the pairs list, in any order or length it is asked for, and the
status stream (``monitor.expose.per_snapshot``: encoded ahead by the market clock while
every snapshot is read)."""

from __future__ import annotations

from monitor.core.snapshot import MarketSnapshot
from monitor.expose import api
from monitor.expose.per_snapshot import PerSnapshot
from monitor.slices import TimeSlice

PairsJson = PerSnapshot[None, dict[str, bytes]]
"""Pair name -> its JSON, per snapshot."""


def new_pairs_json() -> PairsJson:
    """A new, empty :data:`PairsJson`."""
    return PerSnapshot(_encode, lambda _: None)


async def _encode(snapshot: MarketSnapshot, _: None, slice_: TimeSlice) -> dict[str, bytes]:
    encoded = {}
    for view in snapshot.pairs:  # hundreds of pairs do not hold the loop
        encoded[view.pair] = api.pair_json_bytes(view)
        await slice_.pause()
    return encoded


__all__ = ["PairsJson", "new_pairs_json"]
