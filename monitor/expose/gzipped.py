"""gzip bodies whose start was compressed ahead, once, for every response that sends it.

A raw deflate segment that ends on a full flush depends on nothing before or after it,
so a gzip stream can be the gzip header, segments deflated ahead (the market text of a
snapshot, shared by its scrapes), the rest deflated for this response, and the trailer:
the CRC-32 and the length of all of it (RFC 1952; pigz builds its streams the same way).
Prometheus asks for gzip on every scrape: at 200 pairs this takes the deflating of ~2 MB
out of each scrape, and compresses it on the loop in slices (zlib level 1, ~4 ms a MB)
instead of in aiohttp's worker thread at level 6.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from monitor.slices import TimeSlice

LEVEL = 1
"""zlib level: metric text compresses ~8x at 1 (~12x at 6, three times slower)."""
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
"""gzip member header: deflate, no name or time, unknown OS."""


class Deflated(NamedTuple):
    """Raw deflate of some bytes, ending on a full flush, with their CRC-32 and length."""

    parts: tuple[bytes, ...]
    crc: int
    size: int


async def deflate(parts: Iterable[bytes], slice_: TimeSlice) -> Deflated:
    """``parts`` deflated as a segment that can start a gzip stream (see the module)."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    out: list[bytes] = []
    crc = size = 0
    for part in parts:
        crc, size = zlib.crc32(part, crc), size + len(part)
        chunk = compressor.compress(part)
        if chunk:
            out.append(chunk)
        await slice_.pause()
    out.append(compressor.flush(zlib.Z_FULL_FLUSH))
    return Deflated(tuple(out), crc, size)


class GzipStream:
    """One gzip body: ``start`` with a segment deflated ahead, ``add`` the rest, ``end``."""

    def __init__(self) -> None:
        self._compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._crc = self._size = 0

    def start(self, ahead: Deflated) -> Iterator[bytes]:
        """The header and the segment deflated ahead (the first bytes of the body)."""
        self._crc, self._size = ahead.crc, ahead.size
        yield HEADER
        yield from ahead.parts

    def add(self, data: bytes) -> bytes:
        """``data`` deflated (may be empty: zlib keeps some until it has more)."""
        self._crc, self._size = zlib.crc32(data, self._crc), self._size + len(data)
        return self._compressor.compress(data)

    def end(self) -> bytes:
        """The last deflated bytes and the trailer."""
        tail = self._compressor.flush(zlib.Z_FINISH)
        return tail + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header names gzip (as aiohttp reads it)."""
    return "gzip" in accept_encoding.lower()


__all__ = ["Deflated", "GzipStream", "accepts_gzip", "deflate"]
