"""The replay's progress line: rows counted up front, the line it draws."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from monitor.app.progress import ProgressLine, count_rows

HEADER = "ts,instrument,kind,bid,bid_size,ask,ask_size,price,size\n"
ROW = "1795185000000000000,USDHKD,quote,7.781,,7.7814,,,\n"


def test_rows_are_counted_in_plain_and_gzipped_csv(tmp_path: Path) -> None:
    plain = tmp_path / "a.csv"
    plain.write_text(HEADER + ROW * 5)
    packed = tmp_path / "b.csv.gz"
    packed.write_bytes(gzip.compress((HEADER + ROW * 7).encode()))

    assert count_rows(plain) == 5
    assert count_rows(packed) == 7
    assert count_rows(tmp_path / "missing.csv") == 0


def test_parquet_rows_come_from_its_metadata(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"ts": [1, 2, 3]}), path)
    assert count_rows(path) == 3


def test_the_line_shows_share_rows_and_time_left() -> None:
    done = [0]
    out = io.StringIO()
    line = ProgressLine("replay", 1000, lambda: done[0], out)
    line.started -= 10.0  # ten seconds in

    done[0] = 250
    assert line.text() == "replay  25% 250/1,000 rows, ~30 s left, 10 s"
    done[0] = 1000
    line.draw(final=True)
    assert out.getvalue() == "\r\x1b[2Kreplay 100% 1,000/1,000 rows, 10 s\n"
    assert ProgressLine("replay", 0, lambda: 42, out).text() == "replay: 42 rows, 0 s"
