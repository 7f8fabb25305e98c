"""Load recorded provider payloads from tests/fixtures/<provider>/."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TS_RECV = 1_795_208_400_000_000_000


def frame(provider: str, name: str) -> bytes:
    """The raw bytes of one recorded frame."""
    return (FIXTURES / provider / name).read_bytes()


def lines(provider: str, name: str) -> list[bytes]:
    """The non-empty lines of a recorded NDJSON stream."""
    return [line for line in frame(provider, name).splitlines() if line.strip()]
