"""Rotating tick files on disk with a bound on the space they use (blocking, thread-safe).

:class:`RotatingTickStore` is called from a worker thread by the recorder. It writes rows
to ``<directory>/<prefix>-<UTC time of first row>Z-<seq>.<csv|parquet>``, starts a new
file when the current one reaches ``rotate_bytes`` or (with ``rotate_daily``) when an event
of a later UTC day arrives, and before opening a file deletes the oldest of its files until
the rest plus a full new file fit in ``max_total_bytes`` (oldest = least recently
written; files of other prefixes or formats are left alone). Writes are split where the
current file's average row size says it will be full, so a CSV file ends within about a
row of ``rotate_bytes``; a Parquet file (buffered in row groups, sized by estimate) ends
near it.
"""

from __future__ import annotations

import csv
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TextIO

import structlog

from monitor.core.events import NS_PER_SECOND, Event
from monitor.errors import MissingExtraError
from monitor.recorder.format import COLUMNS, Row, csv_cells, event_row
from monitor.settings.recorder import RecorderConfig

log = structlog.get_logger(__name__)

NS_PER_DAY = 86_400 * NS_PER_SECOND
CHUNK_ROWS = 1024
PARQUET_ROW_GROUP_ROWS = 65_536


class TickFile(Protocol):
    """One open output file."""

    path: Path

    def write(self, rows: Sequence[Row]) -> None: ...

    def size(self) -> int: ...

    def close(self) -> None: ...


class CsvTickFile:
    """A CSV tick file with a header line; flushed to the OS after every write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: TextIO = path.open("x", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle, lineterminator="\n")
        self._writer.writerow(COLUMNS)

    def write(self, rows: Sequence[Row]) -> None:
        self._writer.writerows(csv_cells(row) for row in rows)
        self._handle.flush()

    def size(self) -> int:
        return self._handle.tell()

    def close(self) -> None:
        self._handle.close()


class ParquetTickFile:
    """A Parquet tick file: rows are buffered into row groups of ``row_group_rows``.

    A Parquet file is unreadable until its footer is written at close, so buffering a row
    group in memory loses nothing that was readable, and avoids the tiny row groups (and
    poor compression) that a write per flush interval would make at quiet times.
    """

    def __init__(self, path: Path, row_group_rows: int = PARQUET_ROW_GROUP_ROWS) -> None:
        try:
            import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise MissingExtraError("recording Parquet tick files", "parquet") from None
        self.path = path
        self._pa = pa
        self._schema = pa.schema(
            [("ts", pa.int64()), ("instrument", pa.string()), ("kind", pa.string())]
            + [(name, pa.float64()) for name in COLUMNS[3:]]
        )
        self._group = row_group_rows
        self._buffer: list[Row] = []
        self._rows_on_disk = 0
        path.touch(exist_ok=False)
        self._writer: Any = pq.ParquetWriter(str(path), self._schema, compression="zstd")

    def write(self, rows: Sequence[Row]) -> None:
        self._buffer.extend(rows)
        while len(self._buffer) >= self._group:
            self._write_group(self._buffer[: self._group])
            del self._buffer[: self._group]

    def size(self) -> int:
        """Bytes on disk plus an estimate for the buffered rows."""
        on_disk = self.path.stat().st_size
        per_row = on_disk / self._rows_on_disk if self._rows_on_disk else 16.0
        return on_disk + int(len(self._buffer) * per_row)

    def close(self) -> None:
        if self._buffer:
            self._write_group(self._buffer)
            self._buffer = []
        self._writer.close()

    def _write_group(self, rows: Sequence[Row]) -> None:
        pa = self._pa
        columns = list(zip(*rows, strict=True))
        arrays = [pa.array(col, type=f.type) for col, f in zip(columns, self._schema, strict=True)]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self._schema))
        self._rows_on_disk += len(rows)


@dataclass(slots=True)
class StoreStats:
    """Counters of a store, read by the metrics collector."""

    rows_written: int = 0
    files_opened: int = 0
    files_deleted: int = 0
    bytes_deleted: int = 0
    disk_bytes: int = 0  # our files in the directory, as of the last write


class RotatingTickStore:
    """Writes batches of events to rotating files under a disk bound (see module doc)."""

    def __init__(self, config: RecorderConfig) -> None:
        self.config = config
        self.directory = Path(config.directory)
        self.extension = "parquet" if config.format == "parquet" else "csv"
        self.stats = StoreStats()
        self._current: TickFile | None = None
        self._day = -1
        self._closed_bytes = 0
        self._seq: dict[str, int] = {}
        self._rows_in_file = 0
        self._lock = threading.Lock()

    @property
    def current_path(self) -> Path | None:
        return self._current.path if self._current else None

    def files(self) -> list[Path]:
        """This store's files in the directory, least recently written first."""
        if not self.directory.is_dir():
            return []
        pattern = f"{self.config.prefix}-*Z-*.{self.extension}"
        found = [(p.stat().st_mtime_ns, p.name, p) for p in self.directory.glob(pattern)]
        return [p for _, _, p in sorted(found)]

    def write(self, events: Sequence[Event]) -> None:
        """Append ``events`` (in order), rotating and enforcing the disk bound as needed."""
        with self._lock:
            for start in range(0, len(events), CHUNK_ROWS):
                self._write_chunk([event_row(e) for e in events[start : start + CHUNK_ROWS]])
            current = self._current.size() if self._current else 0
            self.stats.disk_bytes = self._closed_bytes + current

    def close(self) -> None:
        """Close the current file (the next write opens a new one). Safe to call twice."""
        with self._lock:
            self._close_current()

    def _write_chunk(self, rows: list[Row]) -> None:
        while rows:
            day = rows[0][0] // NS_PER_DAY
            if self._current is not None and self.config.rotate_daily and day > self._day:
                self._close_current()
            if self._current is None:
                self._open(rows[0][0])
            assert self._current is not None
            split = self._day_split(rows) if self.config.rotate_daily else len(rows)
            split = min(split, self._rows_that_fit())
            self._current.write(rows[:split])
            self._rows_in_file += split
            self.stats.rows_written += split
            rows = rows[split:]
            if self._current.size() >= self.config.rotate_bytes:
                self._close_current()

    def _rows_that_fit(self) -> int:
        assert self._current is not None
        size = self._current.size()
        per_row = size / self._rows_in_file if self._rows_in_file else 64.0
        return max(1, math.ceil((self.config.rotate_bytes - size) / per_row))

    def _day_split(self, rows: list[Row]) -> int:
        for i, row in enumerate(rows):
            if row[0] // NS_PER_DAY > self._day:
                return i or 1
        return len(rows)

    def _open(self, first_ts: int) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._make_room()
        stamp = datetime.fromtimestamp(first_ts // NS_PER_SECOND, tz=UTC).strftime("%Y%m%dT%H%M%S")
        seq = self._seq.get(stamp, -1) + 1  # never reuse a name, even of a deleted file
        while True:
            path = self.directory / f"{self.config.prefix}-{stamp}Z-{seq:04d}.{self.extension}"
            try:
                self._current = self._create(path)
                break
            except FileExistsError:
                seq += 1
        self._seq[stamp] = seq
        self._rows_in_file = 0
        self._day = max(self._day, first_ts // NS_PER_DAY)
        self.stats.files_opened += 1
        log.info("recorder_file_opened", path=str(path))

    def _create(self, path: Path) -> TickFile:
        if self.extension == "parquet":
            return ParquetTickFile(path)
        return CsvTickFile(path)

    def _close_current(self) -> None:
        if self._current is None:
            return
        current, self._current = self._current, None
        try:
            current.close()
        finally:
            self._closed_bytes += current.path.stat().st_size if current.path.exists() else 0

    def _make_room(self) -> None:
        files = self.files()
        sizes = {p: p.stat().st_size for p in files}
        total = sum(sizes.values())
        budget = self.config.max_total_bytes - self.config.rotate_bytes
        for path in files:
            if total <= budget:
                break
            path.unlink(missing_ok=True)
            total -= sizes[path]
            self.stats.files_deleted += 1
            self.stats.bytes_deleted += sizes[path]
            log.info("recorder_file_deleted", path=str(path), bytes=sizes[path])
        self._closed_bytes = total


__all__ = ["CsvTickFile", "ParquetTickFile", "RotatingTickStore", "StoreStats", "TickFile"]
