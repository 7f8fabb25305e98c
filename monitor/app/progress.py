"""Progress of a long replay on stderr: rows read of the rows in the files, rate, time left.

The total is counted before the replay starts (newlines of CSV files, gzipped or not, and
Parquet metadata), which costs one quick read of each file. The line is redrawn at most
twice a second from a task on the replay's event loop; the reader itself is untouched.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TextIO

from monitor.recorder.reader import is_parquet

REDRAW_SECONDS = 0.5
CHUNK = 1 << 20


def count_rows(path: Path) -> int:
    """Data rows in one tick file (lines after the header; Parquet: from its metadata)."""
    if is_parquet(path):
        try:
            import pyarrow.parquet as pq  # type: ignore[import-untyped,unused-ignore]

            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception:  # no pyarrow or not Parquet: the replay reports that itself
            return 0
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    lines = 0
    try:
        with opener(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                lines += chunk.count(b"\n")
    except OSError:
        return 0
    return max(0, lines - 1)


class ProgressLine:
    """One self-overwriting line: ``what  42% 1,234/2,900 rows  12 s, ~16 s left``."""

    def __init__(self, what: str, total: int, read: Callable[[], int], out: TextIO) -> None:
        self.what = what
        self.total = total
        self.read = read
        self.out = out
        self.started = time.monotonic()

    def text(self) -> str:
        done = self.read()
        elapsed = time.monotonic() - self.started
        line = f"{self.what}: {done:,} rows"
        if self.total > 0:
            share = min(1.0, done / self.total)
            line = f"{self.what} {share:4.0%} {done:,}/{self.total:,} rows"
            if 0 < share < 1:
                line += f", ~{elapsed * (1 - share) / share:.0f} s left"
        return f"{line}, {elapsed:.0f} s"

    def draw(self, final: bool = False) -> None:
        self.out.write("\r\x1b[2K" + self.text() + ("\n" if final else ""))
        self.out.flush()


@contextlib.asynccontextmanager
async def progress(
    what: str, files: Sequence[str | Path], read: Callable[[], int], enabled: bool | None = None
) -> AsyncIterator[None]:
    """Show progress on stderr while the body runs (by default only when stderr is a TTY)."""
    out = sys.stderr
    if enabled is None:
        enabled = out.isatty()
    if not enabled:
        yield
        return
    total = sum(count_rows(Path(f)) for f in files)
    line = ProgressLine(what, total, read, out)

    async def redraw() -> None:
        while True:
            line.draw()
            await asyncio.sleep(REDRAW_SECONDS)

    task = asyncio.create_task(redraw())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        line.draw(final=True)


__all__ = ["ProgressLine", "count_rows", "progress"]
