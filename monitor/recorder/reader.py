"""Read recorded tick files (CSV, gzipped CSV, Parquet) back into normalized events.

Reading is blocking file I/O: call it from a thread (``asyncio.to_thread``) inside the
event loop. Malformed rows are never skipped silently: each becomes a
:class:`~monitor.recorder.format.TickFormatError` naming the file and the line, is counted
in a :class:`ReadReport` and logged (or raised, when the report is strict).
"""

from __future__ import annotations

import csv
import gzip
import heapq
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import structlog

from monitor.core.events import Event
from monitor.errors import MissingExtraError
from monitor.recorder.format import COLUMNS, Cell, TickFormatError, row_event

log = structlog.get_logger(__name__)

KEPT_ERRORS = 100
_UNDECODABLE = "\ufffd"  # what a byte that is not UTF-8 reads as
PARQUET_BATCH_ROWS = 65_536


@dataclass(slots=True)
class ReadReport:
    """Counts of one read: good rows, malformed rows and the first errors in detail."""

    strict: bool = False
    rows: int = 0
    malformed: int = 0
    errors: list[TickFormatError] = field(default_factory=list)

    def reject(self, error: TickFormatError) -> None:
        """Count ``error``; raise it when strict, else keep and log the first ones."""
        self.malformed += 1
        if self.strict:
            raise error
        if len(self.errors) < KEPT_ERRORS:
            self.errors.append(error)
            log.warning("tick_row_malformed", error=str(error))


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def read_ticks(path: str | Path, source: str, report: ReadReport) -> Iterator[Event]:
    """Yield the events of one file in file order, counting malformed rows in ``report``."""
    path = Path(path)
    if is_parquet(path):
        yield from _read_parquet(path, source, report)
    else:
        with _open_text(path) as handle:
            yield from _read_csv(handle, str(path), source, report)


def merge_ticks(paths: Sequence[str | Path], source: str, report: ReadReport) -> Iterator[Event]:
    """Yield the events of several files merged by timestamp.

    Each file keeps its own order (the order the recorder accepted them); ties between
    files go to the file listed first.
    """
    streams = [read_ticks(p, source, report) for p in paths]
    if len(streams) == 1:
        return streams[0]
    return heapq.merge(*streams, key=_ts)


def _ts(event: Event) -> int:
    return event.ts_event


def _open_text(path: Path) -> TextIO:
    try:
        if path.suffix.lower() == ".gz":
            return io.TextIOWrapper(
                gzip.open(path, "rb"), encoding="utf-8", errors="replace", newline=""
            )
        return path.open("r", encoding="utf-8", errors="replace", newline="")
    except OSError as exc:
        raise TickFormatError(str(path), 0, f"cannot open: {exc.strerror or exc}") from None


def _header_index(header: Sequence[str], name: str) -> list[int]:
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise TickFormatError(
            name, 1, f"header lacks {', '.join(missing)} (expected {','.join(COLUMNS)})"
        )
    return [names.index(c) for c in COLUMNS]


def _csv_rows(handle: TextIO, name: str, report: ReadReport) -> Iterator[tuple[int, list[str]]]:
    # One record per line, read on its own: a stray quote cannot swallow the lines after
    # it, and a line the csv module refuses (a field over its size limit) is one bad row.
    for number, line in enumerate(handle, start=1):
        if '"' not in line:
            text = line.rstrip("\r\n")
            yield number, text.split(",") if text else []
            continue
        try:
            cells = next(csv.reader([line]), [])
        except csv.Error as exc:
            report.reject(TickFormatError(name, number, f"unreadable line: {exc}"))
            continue
        yield number, cells


def _read_csv(handle: TextIO, name: str, source: str, report: ReadReport) -> Iterator[Event]:
    index: list[int] | None = None
    width = 0
    for line, cells in _csv_rows(handle, name, report):
        if not cells or (len(cells) == 1 and not cells[0].strip()) or cells[0].startswith("#"):
            continue
        if index is None:
            index = _header_index(cells, name)
            width = len(cells)
            continue
        if len(cells) != width:
            report.reject(
                TickFormatError(name, line, f"expected {width} columns, got {len(cells)}")
            )
            continue
        event = _row(name, line, [cells[i] for i in index], source, report)
        if event is not None:
            yield event
    if index is None:
        raise TickFormatError(name, 1, "empty file: no header line")


def _row(
    name: str, line: int, cells: Sequence[Cell], source: str, report: ReadReport
) -> Event | None:
    """The event of one row, or None after counting it as malformed (whatever it raised)."""
    try:
        if isinstance(cells[1], str) and _UNDECODABLE in cells[1]:
            raise ValueError("instrument is not UTF-8")
        event = row_event(cells, source)
    except Exception as exc:  # one bad row never loses the others
        reason = str(exc) if isinstance(exc, ValueError) else f"{type(exc).__name__}: {exc}"
        report.reject(TickFormatError(name, line, reason[:200]))
        return None
    report.rows += 1
    return event


def _read_parquet(path: Path, source: str, report: ReadReport) -> Iterator[Event]:
    try:
        import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingExtraError("reading Parquet tick files", "parquet") from None
    name = str(path)
    try:
        handle = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise TickFormatError(name, 0, f"not a readable Parquet file: {exc}") from None
    present = set(handle.schema_arrow.names)
    missing = [c for c in COLUMNS if c not in present]
    if missing:
        raise TickFormatError(name, 0, f"columns missing: {', '.join(missing)}")
    row = 0
    for batch in handle.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=list(COLUMNS)):
        columns = _parquet_columns(batch, pa, pc)
        for cells in zip(*columns, strict=True):
            row += 1
            event = _row(name, row, cells, source, report)
            if event is not None:
                yield event


def _parquet_columns(batch: Any, pa: Any, pc: Any) -> list[Iterable[Cell]]:
    columns: list[Iterable[Cell]] = []
    for i, column in enumerate(batch.columns):
        if i == 0 and pa.types.is_timestamp(column.type):
            column = pc.cast(pc.cast(column, pa.timestamp("ns", "UTC")), pa.int64())
        columns.append(column.to_pylist())
    return columns


__all__ = ["ReadReport", "is_parquet", "merge_ticks", "read_ticks"]
