"""A bounded on-disk spool: one fsynced JSON file per pending notice, removed once delivered.

Files are named ``<created_ns>-<key digest>.json`` so that loading them in name order
gives the original order and the same notice always maps to the same file. Writes go to
a temporary file which is fsynced, renamed into place, and the directory fsynced.
All methods block on disk I/O: call them through ``asyncio.to_thread``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import structlog

from monitor.notify.models import Notice

log = structlog.get_logger(__name__)


def file_name(notice: Notice) -> str:
    digest = hashlib.sha256(notice.key.encode()).hexdigest()[:20]
    return f"{notice.created_ns:020d}-{digest}.json"


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    """The pending notices of one sink, in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def load(self) -> list[tuple[Notice, int]]:
        """Return every spooled notice with the time it was spooled (ns), oldest first;
        unreadable files are set aside as ``*.bad``."""
        if not self.directory.is_dir():
            return []
        out = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                notice = Notice.from_dict(json.loads(path.read_text(encoding="utf-8")))
                out.append((notice, path.stat().st_mtime_ns))
            except (OSError, ValueError) as exc:
                log.error("spool_file_unreadable", file=path.name, error=type(exc).__name__)
                path.replace(path.with_suffix(".bad"))
        return out

    def write(self, notices: list[Notice]) -> None:
        """Persist ``notices`` durably (one file each, then one directory fsync)."""
        if not notices:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for notice in notices:
            final = self.directory / file_name(notice)
            tmp = final.with_suffix(".tmp")
            data = json.dumps(notice.to_dict(), ensure_ascii=False).encode("utf-8")
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(final)
        _fsync_dir(self.directory)

    def remove(self, notices: list[Notice]) -> None:
        """Forget delivered (or abandoned) notices; a missing file is not an error."""
        for notice in notices:
            (self.directory / file_name(notice)).unlink(missing_ok=True)
        if notices and self.directory.is_dir():
            _fsync_dir(self.directory)
