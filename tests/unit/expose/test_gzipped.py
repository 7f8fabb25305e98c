"""gzip bodies from a segment deflated ahead and the rest deflated per response: one valid
gzip member whose content is all the parts in order."""

from __future__ import annotations

import gzip
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.expose.gzipped import GzipStream, accepts_gzip, deflate
from monitor.slices import TimeSlice

PARTS = st.lists(st.binary(max_size=3000) | st.sampled_from([b"", b"x" * 70_000]), max_size=6)


async def body(ahead_parts: list[bytes], rest_parts: list[bytes]) -> bytes:
    ahead = await deflate(ahead_parts, TimeSlice())
    stream = GzipStream()
    out = list(stream.start(ahead))
    out += [stream.add(part) for part in rest_parts]
    out.append(stream.end())
    return b"".join(out)


@settings(max_examples=60, deadline=None)
@given(PARTS, PARTS)
async def test_a_body_is_one_gzip_member_of_all_the_parts(
    ahead: list[bytes], rest: list[bytes]
) -> None:
    data = await body(ahead, rest)
    assert gzip.decompress(data) == b"".join(ahead + rest)
    one = zlib.decompressobj(wbits=31)  # a single member, nothing after its trailer
    assert one.decompress(data) == b"".join(ahead + rest)
    assert one.eof and one.unused_data == b""


async def test_one_segment_deflated_ahead_starts_many_bodies() -> None:
    ahead = await deflate([b"# the market text\n" * 1000], TimeSlice())
    for rest in (b"a 1\n", b"b 2\n# EOF\n"):
        stream = GzipStream()
        data = b"".join([*stream.start(ahead), stream.add(rest), stream.end()])
        assert gzip.decompress(data) == b"# the market text\n" * 1000 + rest


def test_gzip_is_read_from_accept_encoding_as_aiohttp_reads_it() -> None:
    assert accepts_gzip("gzip") and accepts_gzip("deflate, GZIP;q=0.5, br")
    assert not accepts_gzip("") and not accepts_gzip("identity") and not accepts_gzip("br")
