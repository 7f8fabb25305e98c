"""What a sink is asked to deliver: one alert notification, self-contained and serialisable."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, NamedTuple

SEVERITIES = ("info", "warning", "critical")


def severity_rank(severity: str) -> int:
    """Order severities (unknown ones rank as ``warning``)."""
    try:
        return SEVERITIES.index(severity)
    except ValueError:
        return 1


class Status(enum.StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class Notice(NamedTuple):
    """One notification about one alert, rendered by each platform module.

    ``key`` is the stable de-duplication key (the same event always has the same key, also
    after a restart); ``fingerprint`` identifies the alert across its notifications.
    ``title`` says what crossed, ``lines`` give context (legs with ages, FX, since).
    """

    key: str
    fingerprint: str
    status: Status
    rule: str
    pair: str
    severity: str
    title: str
    lines: tuple[str, ...] = ()
    labels: Mapping[str, str] = {}  # shared, never written (a Mapping)
    annotations: Mapping[str, str] = {}
    starts_at_ns: int = 0
    ends_at_ns: int | None = None
    created_ns: int = 0
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (for the spool)."""
        return {
            "key": self.key,
            "fingerprint": self.fingerprint,
            "status": self.status.value,
            "rule": self.rule,
            "pair": self.pair,
            "severity": self.severity,
            "title": self.title,
            "lines": list(self.lines),
            "labels": dict(self.labels),
            "annotations": dict(self.annotations),
            "starts_at_ns": self.starts_at_ns,
            "ends_at_ns": self.ends_at_ns,
            "created_ns": self.created_ns,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Notice:
        """Rebuild a notice written by :meth:`to_dict`; raise ``ValueError`` if malformed."""
        try:
            ends = data.get("ends_at_ns")
            return cls(
                key=str(data["key"]),
                fingerprint=str(data["fingerprint"]),
                status=Status(data["status"]),
                rule=str(data["rule"]),
                pair=str(data["pair"]),
                severity=str(data["severity"]),
                title=str(data["title"]),
                lines=tuple(str(x) for x in data.get("lines", ())),
                labels={str(k): str(v) for k, v in dict(data.get("labels", {})).items()},
                annotations={str(k): str(v) for k, v in dict(data.get("annotations", {})).items()},
                starts_at_ns=int(data.get("starts_at_ns", 0)),
                ends_at_ns=None if ends is None else int(ends),
                created_ns=int(data.get("created_ns", 0)),
                url=None if data.get("url") is None else str(data["url"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed notice: {exc!r}") from None
