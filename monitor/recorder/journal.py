"""Tick files that know which stream sequence they end at (blocking; the bus recorder's).

:class:`BusJournal` writes the recorded tick format (CSV, DESIGN.md) to
``<directory>/<prefix>-bus-<first stream sequence, 12 digits>.csv``, starting a new file
when the current one reaches ``rotate_bytes``. After every write it flushes, syncs the
file to disk, then atomically replaces the checkpoint ``<prefix>.bus-checkpoint.json``
(``file``, ``size``, ``seq``: the last stream sequence written). :meth:`BusJournal.recover`
undoes whatever a crash left after the last checkpoint (cuts the file back to the
checkpointed size, deletes files begun after it), so with acknowledgements sent only
after the checkpoint, the files hold each sequence exactly once.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import structlog

from monitor.core.events import Event
from monitor.recorder.format import COLUMNS, csv_cells, event_row
from monitor.settings.recorder import RecorderConfig

log = structlog.get_logger(__name__)


class BusJournal:
    """Append-only CSV tick files with a checkpoint of the last stream sequence written."""

    def __init__(self, config: RecorderConfig) -> None:
        self.directory = Path(config.directory)
        self.prefix = config.prefix
        self.rotate_bytes = config.rotate_bytes
        self.checkpoint = self.directory / f"{self.prefix}.bus-checkpoint.json"
        self.last_seq = 0
        self.rows_written = 0
        self.files_opened = 0
        self._path: Path | None = None
        self._handle: TextIO | None = None

    def files(self) -> list[Path]:
        """This journal's files, oldest (lowest sequence) first."""
        return sorted(self.directory.glob(f"{self.prefix}-bus-*.csv"))

    def recover(self) -> int:
        """Cut back to the last checkpoint; return the last sequence written (0: none)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self.checkpoint.exists():
            for path in self.files():  # begun, never checkpointed
                path.unlink()
            return 0
        state = json.loads(self.checkpoint.read_text(encoding="utf-8"))
        self.last_seq = int(state["seq"])
        current = self.directory / str(state["file"])
        for path in self.files():
            if _first_seq(path) > _first_seq(current):
                log.warning("recorder_discards_unconfirmed_file", path=str(path))
                path.unlink()
        if current.exists() and current.stat().st_size > int(state["size"]):
            with current.open("r+b") as handle:
                handle.truncate(int(state["size"]))
        if current.exists():
            self._path = current  # appended to by the next write, if it has room
        return self.last_seq

    def write(self, events: Sequence[Event], first_seq: int, last_seq: int) -> None:
        """Append ``events`` (stream sequences ``first_seq``..``last_seq``), sync, checkpoint."""
        if self._handle is None and self._path is not None and self._path.exists():
            self._handle = self._path.open("a", encoding="utf-8", newline="")
        if self._handle is None or self._handle.tell() >= self.rotate_bytes:
            self._open(first_seq)
        handle = self._handle
        assert handle is not None and self._path is not None
        csv.writer(handle, lineterminator="\n").writerows(csv_cells(event_row(e)) for e in events)
        handle.flush()
        os.fsync(handle.fileno())
        self._save(self._path.name, handle.tell(), last_seq)
        self.last_seq = last_seq
        self.rows_written += len(events)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def _open(self, first_seq: int) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._path = self.directory / f"{self.prefix}-bus-{first_seq:012d}.csv"
        self._handle = self._path.open("w", encoding="utf-8", newline="")
        csv.writer(self._handle, lineterminator="\n").writerow(COLUMNS)
        self.files_opened += 1
        log.info("recorder_file_opened", path=str(self._path))

    def _save(self, name: str, size: int, seq: int) -> None:
        temporary = self.checkpoint.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"file": name, "size": size, "seq": seq}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.checkpoint)


def _first_seq(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[-1])


__all__ = ["BusJournal"]
