"""Shared pieces of provider parsers: parse results, control messages, time and JSON helpers.

Everything here is pure (no I/O, no asyncio) so that every ``parse.py`` stays a function
from a frame to normalized events that tests can run on recorded payloads.
"""

from __future__ import annotations

import calendar
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from monitor.core.events import Event

TimeUnit = Literal["s", "ms", "us", "ns"]

_UNIT_NS: dict[str, int] = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}
_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d\d:?\d\d)"
)
_MAX_TS_DIGITS = 30  # a decimal timestamp string longer than this is garbage, not time
_SECONDS_OF_PREFIX: dict[str, int] = {}  # "YYYY-MM-DDTHH:MM:SS" -> epoch seconds (memo)
_PREFIX_MEMO_SIZE = 4096


class ParseError(ValueError):
    """A frame, or one element of a batched frame, cannot be read."""


@dataclass(slots=True)
class Control:
    """A provider control message (status, ack, error, heartbeat): not market data.

    ``kind`` is the provider's own word (``auth_success``, ``subscription``, ``error``,
    ``heartbeat``...); ``code`` is the numeric error code where the provider has one.
    """

    kind: str
    message: str = ""
    code: int | None = None


@dataclass(slots=True, init=False)
class Parsed:
    """What one frame held: events, control messages and the elements that were dropped.

    ``errors`` has one message per element that could not be read (counted ``parse``);
    ``unknown_symbols`` one provider symbol per market-data element for an instrument
    this feed does not map (counted ``unknown_symbol``).
    """

    events: list[Event]
    controls: list[Control]
    errors: list[str]
    unknown_symbols: list[str]

    def __init__(
        self,
        events: list[Event] | None = None,
        controls: list[Control] | None = None,
        errors: list[str] | None = None,
        unknown_symbols: list[str] | None = None,
    ) -> None:
        # written out (one per frame): list literals cost less than default factories
        self.events = [] if events is None else events
        self.controls = [] if controls is None else controls
        self.errors = [] if errors is None else errors
        self.unknown_symbols = [] if unknown_symbols is None else unknown_symbols

    def reject(self, exc: BaseException) -> None:
        """Record one element that raised ``exc`` (any exception: the others go on)."""
        if isinstance(exc, ParseError):
            message = str(exc)
        else:
            message = f"{type(exc).__name__}: {exc}"
        self.errors.append(message if len(message) <= 200 else f"{message[:200]}...")

    def unknown(self, symbol: object) -> None:
        """Record one element for a symbol this feed does not map (or without a symbol)."""
        if type(symbol) is str:
            self.unknown_symbols.append(symbol[:40])
        else:
            self.errors.append(f"symbol is missing or not a string: {symbol!r:.40}")


def loads(frame: str | bytes) -> Any:
    """Decode a JSON frame, translating decoder errors into :class:`ParseError`.

    orjson refuses a whole frame for one number it cannot hold as a double (``1e400``);
    the standard library reads such a frame (as ``inf``), so that the elements around
    the bad number are still delivered and the bad one is rejected on its own.
    """
    try:
        return orjson.loads(frame)
    except orjson.JSONDecodeError as exc:
        first = exc
    try:
        return json.loads(frame)
    except (ValueError, RecursionError):
        raise ParseError(f"not JSON: {first}") from None


def epoch_to_ns(value: Any, unit: TimeUnit) -> int:
    """Convert an epoch timestamp in ``unit`` (int, float or numeric string) to int ns."""
    if isinstance(value, bool):
        raise ParseError(f"timestamp is not a number: {value!r}")
    if isinstance(value, int):
        return value * _UNIT_NS[unit]
    if isinstance(value, float):
        ns = value * _UNIT_NS[unit]
        if not math.isfinite(ns):
            raise ParseError(f"timestamp is not a finite number: {value!r}")
        return round(ns)
    if isinstance(value, str):
        return _decimal_str_to_ns(value, _UNIT_NS[unit])
    raise ParseError(f"timestamp is not a number: {value!r}")


def _decimal_str_to_ns(text: str, scale: int) -> int:
    if len(text) > _MAX_TS_DIGITS:
        raise ParseError(f"timestamp is not a number: {text[:40]!r}... ({len(text)} chars)")
    whole, _, frac = text.strip().partition(".")
    if not whole.lstrip("-").isdigit() or (frac and not frac.isdigit()):
        raise ParseError(f"timestamp is not a number: {text!r}")
    digits = len(str(scale)) - 1
    frac = (frac + "0" * digits)[:digits]
    sign = -1 if whole.startswith("-") else 1
    return int(whole) * scale + sign * (int(frac) if frac else 0)


def rfc3339_to_ns(text: Any) -> int:
    """Parse an RFC 3339 timestamp to int ns exactly (no float: nanoseconds survive).

    Fast path: the common ``YYYY-MM-DDTHH:MM:SS.fffffffffZ`` shape whose seconds were
    already read once; everything else goes through the exact parser.
    """
    if type(text) is str and len(text) == 30 and text[29] == "Z" and text[19] == ".":
        seconds = _SECONDS_OF_PREFIX.get(text[:19])
        nanos = text[20:29]
        if seconds is not None and nanos.isdigit() and nanos.isascii():
            return seconds * 1_000_000_000 + int(nanos)
    return _rfc3339_exact(text)


def _rfc3339_exact(text: Any) -> int:
    if not isinstance(text, str):
        raise ParseError(f"timestamp is not a string: {text!r}")
    match = _RFC3339.fullmatch(text.strip())
    if match is None:
        raise ParseError(f"not an RFC 3339 timestamp: {text!r}")
    year, month, day, hour, minute, second, frac, zone = match.groups()
    try:
        seconds = calendar.timegm(
            (int(year), int(month), int(day), int(hour), int(minute), int(second), 0, 0, 0)
        )
    except ValueError as exc:
        raise ParseError(f"bad timestamp {text!r}: {exc}") from None
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        hh, mm = int(zone[1:3]), int(zone[-2:])
        seconds -= sign * (hh * 3600 + mm * 60)
    nanos = int((frac or "").ljust(9, "0")) if frac else 0
    if zone == "Z" and len(text) == 30 and text[19] == "." and text[:1].isdigit():
        _remember_prefix(text[:19], seconds)
    return seconds * 1_000_000_000 + nanos


def _remember_prefix(prefix: str, seconds: int) -> None:
    if len(_SECONDS_OF_PREFIX) >= _PREFIX_MEMO_SIZE:
        _SECONDS_OF_PREFIX.clear()
    _SECONDS_OF_PREFIX[prefix] = seconds


def to_float(value: Any, what: str) -> float:
    """Read a number that may be sent as a JSON number or a string."""
    if isinstance(value, bool) or value is None:
        raise ParseError(f"{what} is missing or not a number: {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise ParseError(f"{what} is not a number: {value!r:.80}") from None


def lookup(obj: Any, path: str) -> Any:
    """Follow a dotted path (``data.0.bp``) through mappings and lists; ``None`` if absent."""
    if not path:
        return obj
    current = obj
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part)
        elif isinstance(current, Sequence) and not isinstance(current, str | bytes):
            if not part.lstrip("-").isdigit():
                return None
            index = int(part)
            if not -len(current) <= index < len(current):
                return None
            current = current[index]
        else:
            return None
        if current is None:
            return None
    return current


def epoch_auto_ns(value: Any) -> int:
    """Convert an epoch timestamp whose unit is told by its magnitude (s, ms, us or ns)."""
    number = to_float(value, "timestamp")
    magnitude = abs(number)
    if magnitude < 1e11:
        unit: TimeUnit = "s"
    elif magnitude < 1e14:
        unit = "ms"
    elif magnitude < 1e17:
        unit = "us"
    else:
        unit = "ns"
    return epoch_to_ns(value, unit)


def is_fx_id(instrument: str) -> bool:
    """Whether a canonical id names an FX pair (six letters, e.g. ``USDHKD``)."""
    return len(instrument) == 6 and instrument.isalpha() and instrument.isupper()


def is_hk_id(instrument: str) -> bool:
    """Whether a canonical id names a Hong Kong line (``2026.HK``)."""
    return instrument.upper().endswith(".HK")


def symbol_map(
    instruments: Iterable[str],
    overrides: Mapping[str, str],
    default: Callable[[str], str | None],
) -> tuple[dict[str, str], list[str]]:
    """Map canonical ids to provider symbols: explicit ``overrides`` first, then ``default``.

    Returns the served map and the instruments the provider cannot serve (``default``
    returned ``None`` and no override was given).
    """
    served: dict[str, str] = {}
    skipped: list[str] = []
    for instrument in instruments:
        symbol = overrides.get(instrument) or default(instrument)
        if symbol is None:
            skipped.append(instrument)
        else:
            served[instrument] = symbol
    return served, skipped


def truncate(frame: str | bytes, limit: int = 200) -> str:
    """Return a log-safe prefix of a frame."""
    text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
    return text if len(text) <= limit else f"{text[:limit]}...({len(text)} chars)"


def reverse_symbols(mapping: Mapping[str, str]) -> dict[str, str]:
    """Invert a canonical -> provider symbol map (provider symbol -> canonical id)."""
    return {provider: canonical for canonical, provider in mapping.items()}


__all__ = [
    "Control",
    "ParseError",
    "Parsed",
    "TimeUnit",
    "epoch_auto_ns",
    "epoch_to_ns",
    "is_fx_id",
    "is_hk_id",
    "loads",
    "lookup",
    "reverse_symbols",
    "rfc3339_to_ns",
    "symbol_map",
    "to_float",
    "truncate",
]
