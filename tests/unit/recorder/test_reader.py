"""Reading tick files: malformed rows counted and named, strict mode, merging, Parquet."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.errors import DlmonError
from monitor.recorder.files import RotatingTickStore
from monitor.recorder.format import TickFormatError
from monitor.recorder.reader import ReadReport, merge_ticks, read_ticks
from monitor.settings.recorder import RecorderConfig

FIXTURES = Path(__file__).parents[2] / "fixtures" / "ticks"
T0 = 1_795_185_000_000_000_000
HEADER = "ts,instrument,kind,bid,bid_size,ask,ask_size,price,size\n"


def test_malformed_rows_are_counted_and_reported_with_file_and_line() -> None:
    path = FIXTURES / "pony_malformed.csv"
    report = ReadReport()

    events = list(read_ticks(path, "replay", report))

    assert [type(e) for e in events] == [FxQuote, Quote, Quote, Trade]
    assert report.rows == 4
    assert report.malformed == 5
    assert [e.line for e in report.errors] == [4, 6, 7, 8, 9]
    assert str(report.errors[0]).startswith(f"{path}:4: ts '2026-11-20 14:30:00.400'")
    assert "expected 9 columns, got 8" in str(report.errors[-1])


def test_strict_read_stops_at_the_first_malformed_row() -> None:
    report = ReadReport(strict=True)

    with pytest.raises(TickFormatError, match=r"pony_malformed.csv:4: ts"):
        list(read_ticks(FIXTURES / "pony_malformed.csv", "replay", report))


def test_iso_fixture_reads_every_row_with_both_ts_forms() -> None:
    report = ReadReport()

    events = list(read_ticks(FIXTURES / "pony_iso.csv", "replay", report))

    assert report.malformed == 0
    assert len(events) == 10
    assert events[3] == Trade(
        "PONY", 15.23, 100.0, T0 + 1_000_000_000, T0 + 1_000_000_000, "replay"
    )
    assert events[5].ts_event == T0 + 3_123_456_789
    assert [e.ts_event for e in events] == sorted(e.ts_event for e in events)


def test_columns_may_come_in_any_order_and_comments_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "# exported by hand\ninstrument,ts,kind,price,size,bid,bid_size,ask,ask_size\n"
        f"PONY,{T0},trade,15.5,10,,,,\n\n",
        encoding="utf-8",
    )

    events = list(read_ticks(path, "x", ReadReport()))

    assert events == [Trade("PONY", 15.5, 10.0, T0, T0, "x")]


def test_missing_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("ts,instrument,kind,bid,ask\n", encoding="utf-8")

    with pytest.raises(TickFormatError, match=r"t.csv:1: header lacks bid_size"):
        list(read_ticks(path, "x", ReadReport()))


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(TickFormatError, match="no header"):
        list(read_ticks(path, "x", ReadReport()))


def test_gzipped_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(HEADER + f"{T0},USDHKD,quote,7.78,,7.79,,,\n")

    assert list(read_ticks(path, "x", ReadReport())) == [FxQuote("USDHKD", 7.78, 7.79, T0, T0, "x")]


def test_files_merge_by_timestamp_keeping_each_file_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(HEADER + f"{T0 + 1},PONY,trade,,,,,1,1\n{T0 + 3},PONY,trade,,,,,3,1\n")
    b.write_text(HEADER + f"{T0 + 1},HK,trade,,,,,2,1\n{T0 + 2},HK,trade,,,,,4,1\n")

    events = list(merge_ticks([a, b], "x", ReadReport()))

    assert [(e.ts_event - T0, e.instrument) for e in events] == [
        (1, "PONY"), (1, "HK"), (2, "HK"), (3, "PONY"),
    ]  # fmt: skip


def test_parquet_round_trip_is_exact(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    events: list[Event] = [
        Quote("PONY", 15.22, 300.0, 15.24, 500.0, T0, T0, "r"),
        FxQuote("USDHKD", 7.78085, 7.78115, T0 + 1, T0 + 1, "r"),
        Trade("2026.HK", 118.5, 400.0, T0 + 2, T0 + 2, "r"),
    ]
    store = RotatingTickStore(RecorderConfig(directory=tmp_path, format="parquet"))
    store.write(events)
    store.close()
    (path,) = store.files()

    assert path.suffix == ".parquet"
    assert list(read_ticks(path, "r", ReadReport())) == events


def test_unreadable_parquet_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"not parquet")

    with pytest.raises(DlmonError, match="bad.parquet"):
        list(read_ticks(path, "r", ReadReport()))
