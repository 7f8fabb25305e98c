"""Futu time strings, codes and payload conversion (pure)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from monitor.core.events import Quote, Trade
from monitor.feeds.futu.bridge import ThreadBridge
from monitor.feeds.futu.parse import (
    BEIJING,
    NEW_YORK,
    FutuParseError,
    FutuParser,
    futu_code,
    local_to_ns,
    zone_of,
)

S = 1_000_000_000


@pytest.mark.parametrize(
    ("text", "zone", "utc_seconds"),
    [
        ("2026-02-11 09:30:00", BEIJING, 1_770_773_400),  # 01:30Z
        ("2026-03-06 09:30:00", NEW_YORK, 1_772_807_400),  # EST, UTC-5: 14:30Z
        ("2026-03-09 09:30:00", NEW_YORK, 1_773_063_000),  # EDT from 8 Mar: 13:30Z
        ("2026-11-02 09:30:00", NEW_YORK, 1_793_629_800),  # EST again from 1 Nov: 14:30Z
    ],
)
def test_local_times_convert_with_the_markets_dst_rules(
    text: str, zone: object, utc_seconds: int
) -> None:
    assert local_to_ns(text, zone) == utc_seconds * S  # type: ignore[arg-type]


def test_fractions_with_dot_or_colon_are_exact() -> None:
    base = local_to_ns("2026-02-11 16:08:05", BEIJING)
    assert local_to_ns("2026-02-11 16:08:05.123", BEIJING) == base + 123_000_000
    assert local_to_ns("2026-02-11 16:08:05:007", BEIJING) == base + 7_000_000
    with pytest.raises(FutuParseError):
        local_to_ns("16:08:05", BEIJING)


def test_codes_and_zones() -> None:
    assert futu_code("2026.HK") == "HK.02026"
    assert futu_code("700.HK") == "HK.00700"
    assert futu_code("PONY") == "US.PONY"
    assert futu_code("USDHKD") is None
    assert zone_of("HK.02026") is BEIJING and zone_of("US.PONY") is NEW_YORK
    with pytest.raises(FutuParseError):
        zone_of("XX.1")


def test_order_book_without_server_time_uses_receive_time() -> None:
    parser = FutuParser({"HK.02026": "2026.HK"})
    book: dict[str, Any] = {
        "code": "HK.02026",
        "svr_recv_time_bid": "",
        "svr_recv_time_ask": "",
        "Bid": [(118.4, 2000, 3, {})],
        "Ask": [(118.5, 1500, 2, {})],
    }
    assert parser.order_book(book, 42) == [Quote("2026.HK", 118.4, 2000, 118.5, 1500, 42, 42)]
    assert parser.order_book({**book, "Ask": []}, 42) == []  # one-sided: no quote


def test_us_odd_lots_are_kept() -> None:
    parser = FutuParser({"US.PONY": "PONY"})
    rows = [
        {
            "code": "US.PONY",
            "sequence": 1,
            "price": 15.0,
            "volume": 7,
            "type": "ODD_LOT",
            "time": "2026-03-09 09:30:00.000",
        },
    ]
    assert parser.tickers(rows, 1) == [Trade("PONY", 15.0, 7, 1_773_063_000 * S, 1)]


async def test_thread_bridge_runs_calls_on_the_loop_and_drops_after_close() -> None:
    loop = asyncio.get_running_loop()
    bridge = ThreadBridge(loop)
    seen: list[int] = []
    done = asyncio.Event()

    def on_loop(value: int) -> None:
        seen.append(threading.get_ident())
        done.set()

    thread = threading.Thread(target=bridge.call, args=(on_loop, 1))
    thread.start()
    thread.join()
    await asyncio.wait_for(done.wait(), 2)
    assert seen == [threading.get_ident()]

    other = asyncio.new_event_loop()
    other.close()
    closed = ThreadBridge(other)
    closed.call(on_loop, 2)
    assert closed.dropped == 1
