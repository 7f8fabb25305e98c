"""The bus encoding (version 1) and subjects."""

from __future__ import annotations

import msgpack
import pytest

from monitor.bus.encoding import BusFormatError, HealthNote, decode, encode_events, encode_health
from monitor.bus.subjects import health_subject, tick_subject
from monitor.core.events import FxQuote, Quote, Trade
from tests.support.builders import T0


def test_events_round_trip_exactly_with_both_timestamps_and_source() -> None:
    events = [
        Quote("PONY", 15.01, 300.0, 15.02, 100.0, T0, T0 + 7, "polygon"),
        Trade("2026.HK", 118.5, 200.0, T0 + 1, T0 + 9, "futu"),
        FxQuote("USDHKD", 7.7812, 7.7815, T0 + 2, T0 + 11, "oanda"),
    ]
    assert decode(encode_events(events)) == events


def test_the_layout_is_the_documented_one() -> None:
    data = encode_events([Trade("PONY", 15.0, 10.0, T0, T0 + 1, "sim")])
    assert msgpack.unpackb(data) == [1, 0, [[1, "PONY", T0, T0 + 1, "sim", 15.0, 10.0]]]


def test_health_notes_round_trip() -> None:
    note = HealthNote("sim", "backoff", "connection refused", T0, 42)
    decoded = decode(encode_health(note))
    assert decoded == note and isinstance(decoded, HealthNote) and not decoded.up


@pytest.mark.parametrize(
    "payload",
    [
        msgpack.packb([2, 0, []]),  # a later version
        msgpack.packb([1, 9, []]),  # an unknown message type
        msgpack.packb([1, 0, [[7, "PONY", 1, 2, "s", 1.0]]]),  # an unknown event kind
        msgpack.packb([1, 0, [[0, "PONY", 1]]]),  # a short event
        b"\xc1not msgpack",
        msgpack.packb({"v": 1}),
    ],
)
def test_unreadable_messages_raise_a_format_error(payload: bytes) -> None:
    with pytest.raises(BusFormatError):
        decode(payload)


def test_instrument_names_become_one_subject_token() -> None:
    assert tick_subject("dlmon", "sim", "2026.HK") == "dlmon.ticks.sim.2026_HK"
    assert tick_subject("dlmon", "a b", "X*>") == "dlmon.ticks.a_b.X__"
    assert health_subject("dlmon", "polygon") == "dlmon.health.polygon"
