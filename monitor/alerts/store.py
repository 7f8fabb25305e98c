"""Alert state on disk: one JSON file replaced atomically (write, fsync, rename, fsync dir)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = "alerts-state.json"


class StateStore:
    """Blocking file I/O: call through ``asyncio.to_thread``."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / STATE_FILE

    def load(self) -> dict[str, Any] | None:
        """The saved state, or ``None`` if absent; a corrupt file raises ``ValueError``."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("alert state file is not a JSON object")
        return data

    def save(self, data: dict[str, Any]) -> None:
        """Replace the file with ``data``; an empty state is not written where none was."""
        if not data.get("alerts") and not self.path.exists():
            return
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self.path)
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
