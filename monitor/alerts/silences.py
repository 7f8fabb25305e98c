"""Silences: mute notifications of alerts matching label matchers until an end time.

Like Alertmanager's: a silence has matchers, a start and an end, who created it and why;
it is *pending* before its start, *active* until its end, then *expired* (kept
``RETENTION_NS`` for the record). Expiring sets the end to now. The set is saved to one
JSON file (atomic replace, fsynced) after every change; blocking file I/O is done by
:meth:`Silences.save` / :meth:`Silences.load`, to be called through ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from monitor.alerts.text import iso
from monitor.matchers import Matcher, match_all

NS = 1_000_000_000
SILENCES_FILE = "silences.json"
RETENTION_NS = 24 * 3600 * NS


class Silence(NamedTuple):
    """One silence."""

    id: str
    matchers: tuple[Matcher, ...]
    starts_at_ns: int
    ends_at_ns: int
    created_by: str = ""
    comment: str = ""
    updated_ns: int = 0

    def state(self, now_ns: int) -> str:
        if now_ns < self.starts_at_ns:
            return "pending"
        return "active" if now_ns < self.ends_at_ns else "expired"

    def mutes(self, labels: Mapping[str, str], now_ns: int) -> bool:
        """Whether this silence is active and every matcher matches ``labels``."""
        return self.state(now_ns) == "active" and match_all(self.matchers, labels)

    def to_json(self, now_ns: int | None = None) -> dict[str, Any]:
        """The API / file shape (Alertmanager v2 field names, plus ``*_ns``)."""
        out: dict[str, Any] = {
            "id": self.id,
            "matchers": [m.to_json() for m in self.matchers],
            "matchers_text": [str(m) for m in self.matchers],
            "startsAt": iso(self.starts_at_ns),
            "endsAt": iso(self.ends_at_ns),
            "starts_at_ns": self.starts_at_ns,
            "ends_at_ns": self.ends_at_ns,
            "createdBy": self.created_by,
            "comment": self.comment,
            "updated_ns": self.updated_ns,
        }
        if now_ns is not None:
            out["status"] = {"state": self.state(now_ns)}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Silence:
        return cls(
            id=str(data["id"]),
            matchers=tuple(Matcher.from_json(m) for m in data["matchers"]),
            starts_at_ns=int(data["starts_at_ns"]),
            ends_at_ns=int(data["ends_at_ns"]),
            created_by=str(data.get("createdBy", "")),
            comment=str(data.get("comment", "")),
            updated_ns=int(data.get("updated_ns", 0)),
        )


class Silences:
    """The silences of this daemon, persisted in ``directory/silences.json``."""

    def __init__(self, directory: Path | None) -> None:
        self.path = None if directory is None else directory / SILENCES_FILE
        self._items: dict[str, Silence] = {}
        self._lock = threading.Lock()  # saves run in worker threads

    def add(
        self,
        matchers: Sequence[Matcher],
        starts_at_ns: int,
        ends_at_ns: int,
        created_by: str = "",
        comment: str = "",
        now_ns: int = 0,
    ) -> Silence:
        """Create a silence; raise ``ValueError`` when it has no matcher or ends first."""
        if not matchers:
            raise ValueError("a silence needs at least one matcher")
        if ends_at_ns <= starts_at_ns:
            raise ValueError("endsAt must be after startsAt")
        if ends_at_ns <= now_ns:
            raise ValueError("endsAt is in the past")
        if all(m.matches({}) for m in matchers):
            raise ValueError("the matchers would match every alert; add one that needs a label")
        silence = Silence(
            str(uuid.uuid4()),
            tuple(matchers),
            starts_at_ns,
            ends_at_ns,
            created_by,
            comment,
            now_ns,
        )
        self._items[silence.id] = silence
        return silence

    def expire(self, silence_id: str, now_ns: int) -> Silence | None:
        """End a silence now; ``None`` when unknown. Expiring an expired one changes nothing."""
        silence = self._items.get(silence_id)
        if silence is None:
            return None
        if silence.state(now_ns) != "expired":
            start = min(silence.starts_at_ns, now_ns)
            silence = silence._replace(starts_at_ns=start, ends_at_ns=now_ns, updated_ns=now_ns)
            self._items[silence_id] = silence
        return silence

    def get(self, silence_id: str) -> Silence | None:
        return self._items.get(silence_id)

    def all(self, now_ns: int) -> list[Silence]:
        """Every silence not expired for longer than the retention, newest first."""
        horizon = now_ns - RETENTION_NS
        for sid in [s.id for s in self._items.values() if s.ends_at_ns < horizon]:
            del self._items[sid]
        return sorted(self._items.values(), key=lambda s: s.starts_at_ns, reverse=True)

    def muting(self, labels: Mapping[str, str], now_ns: int) -> list[str]:
        """Ids of the active silences that mute an alert with ``labels``."""
        return [s.id for s in self._items.values() if s.mutes(labels, now_ns)]

    def load(self) -> int:
        """Read the saved silences (blocking); return how many; a corrupt file raises."""
        if self.path is None:
            return 0
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return 0
        data = json.loads(text)
        items = [Silence.from_json(item) for item in data.get("silences", ())]
        self._items = {s.id: s for s in items}
        return len(items)

    def save(self) -> None:
        """Replace the file with the current silences (blocking: write, fsync, rename)."""
        if self.path is None:
            return
        with self._lock:
            payload = {"version": 1, "silences": [s.to_json() for s in self._items.values()]}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(self.path)
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
