"""The two wire encodings of Alpaca's v2 stream: JSON (default) and MessagePack.

A client that sends ``Content-Type: application/msgpack`` on the websocket handshake gets
every frame as MessagePack and sends its own messages the same way (as alpaca-py does);
timestamps then arrive as MessagePack Timestamp extensions instead of RFC 3339 strings,
decoded here straight to integer nanoseconds. ``msgpack`` is the ``alpaca`` extra and is
imported only when the encoding is chosen.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from monitor.feeds.wire import ParseError, loads, rfc3339_to_ns

Encoding = Literal["json", "msgpack"]
MSGPACK_CONTENT_TYPE = "application/msgpack"


@dataclass(frozen=True, slots=True)
class Codec:
    """How frames are decoded and messages encoded, and the handshake headers asking for it."""

    decode: Callable[[str | bytes], Any]
    encode: Callable[[Any], str | bytes]
    headers: Mapping[str, str]


def msgpack_available() -> bool:
    """Whether the ``msgpack`` package (the ``alpaca`` extra) can be imported."""
    return importlib.util.find_spec("msgpack") is not None


def codec(encoding: Encoding) -> Codec:
    """The codec of ``encoding`` (``msgpack`` needs the ``alpaca`` extra)."""
    if encoding == "json":
        return Codec(loads, _json_dumps, {})
    import msgpack

    def decode(frame: str | bytes) -> Any:
        if isinstance(frame, str):
            raise ParseError("text frame on a msgpack stream")
        try:
            return msgpack.unpackb(frame, timestamp=2)  # Timestamp ext -> int ns
        except (ValueError, msgpack.UnpackException) as exc:
            raise ParseError(f"not msgpack: {exc}") from None

    def encode(message: Any) -> bytes:
        data: bytes = msgpack.packb(message)
        return data

    return Codec(decode, encode, {"Content-Type": MSGPACK_CONTENT_TYPE})


def event_time_ns(value: Any) -> int:
    """``t`` of an event: int ns (msgpack Timestamp) or an RFC 3339 string (JSON)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return rfc3339_to_ns(value)


def _json_dumps(message: Any) -> str:
    return orjson.dumps(message).decode()


__all__ = [
    "MSGPACK_CONTENT_TYPE",
    "Codec",
    "Encoding",
    "codec",
    "event_time_ns",
    "msgpack_available",
]
