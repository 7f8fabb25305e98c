"""Tick files: junk lines between valid rows lose only themselves (hypothesis)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.recorder.reader import ReadReport, read_ticks

HEADER = b"ts,instrument,kind,bid,bid_size,ask,ask_size,price,size\n"
T0 = 1_795_185_000_000_000_000

valid_row = st.builds(
    lambda i, p, s: f"{T0 + i},PONY,quote,{p},{s},{p + 0.01:.4f},{s},,\n".encode(),
    st.integers(0, 10**12),
    st.floats(1, 1000).map(lambda p: round(p, 4)),
    st.integers(0, 10**6),
)
junk_row = st.one_of(
    st.binary(max_size=60)
    .filter(lambda b: b"\n" not in b and b"\r" not in b)
    .map(
        lambda b: b"9" + b + b"\n"  # never a comment nor blank: always a row
    ),
    st.just(b"1795185000000000000,PO\xffNY,quote,1,1,2,2,,\n"),  # not UTF-8
    st.just(b"1795185000000000000,PONY,quote," + b"1" * 200_000 + b",1,2,2,,\n"),  # csv limit
    st.just(b"1795185000000000000,PONY,quote,nan,1,2,2,,\n"),
    st.just(b"1795185000000000000,PONY,trade,,,,,true,1\n"),
    st.just(b'1795185000000000000,"PONY,quote,1,1,2,2,,\n'),  # an open quote
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(valid_row.map(lambda r: (True, r)), junk_row.map(lambda r: (False, r))),
        min_size=1,
        max_size=10,
    )
)
def test_tick_file_delivers_every_valid_row_around_junk(rows: list[tuple[bool, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        mixed, clean = Path(tmp) / "mixed.csv", Path(tmp) / "clean.csv"
        mixed.write_bytes(HEADER + b"".join(row for _, row in rows))
        clean.write_bytes(HEADER + b"".join(row for ok, row in rows if ok))
        report = ReadReport()
        got = list(read_ticks(mixed, "replay", report))
        expected = list(read_ticks(clean, "replay", ReadReport()))
    assert got == expected and len(expected) == sum(ok for ok, _ in rows)
    assert report.malformed == sum(not ok for ok, _ in rows)
