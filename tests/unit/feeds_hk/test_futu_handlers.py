"""Recorded Futu push payloads (protobuf JSON) through the real futu handler classes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from futu.common.pb import Qot_UpdateBasicQot_pb2, Qot_UpdateOrderBook_pb2, Qot_UpdateTicker_pb2
from google.protobuf import json_format  # type: ignore[import-untyped]

from monitor.core.events import Quote, Trade
from monitor.feeds.futu.parse import FutuParser
from monitor.feeds.futu.sdk import build_handlers

FIXTURES = Path(__file__).parents[2] / "fixtures" / "futu"
SYMBOLS = {"HK.02026": "2026.HK", "US.PONY": "PONY"}
S = 1_000_000_000


def load(name: str, message: Any) -> Any:
    return json_format.Parse((FIXTURES / name).read_text(encoding="utf-8"), message())


def pushes() -> tuple[list[tuple[str, int, Any, int]], list[Any]]:
    seen: list[tuple[str, int, Any, int]] = []
    handlers = build_handlers(lambda *push: seen.append(push), clock=lambda: 7)
    return seen, handlers


def test_order_book_push_gives_best_bid_ask_at_the_later_server_time() -> None:
    seen, (_, book_handler, _) = pushes()
    book_handler.on_recv_rsp(load("push_order_book_hk.json", Qot_UpdateOrderBook_pb2.Response))
    [(kind, ret, data, ts_recv)] = seen
    assert (kind, ret, ts_recv) == ("order_book", 0, 7)
    quotes = FutuParser(SYMBOLS).order_book(data, ts_recv)
    # 10:15:30.250 Beijing time (bid side, the later of the two) = 02:15:30.250Z
    assert quotes == [Quote("2026.HK", 118.4, 2000, 118.5, 1500, 1_770_776_130_250_000_000, 7)]


def test_ticker_push_keeps_board_lot_and_auction_prints() -> None:
    seen, (_, _, ticker_handler) = pushes()
    ticker_handler.on_recv_rsp(load("push_ticker_hk_close.json", Qot_UpdateTicker_pb2.Response))
    [(kind, ret, rows, ts_recv)] = seen
    assert (
        kind == "ticker"
        and ret == 0
        and [r["type"] for r in rows]
        == [
            "AUTO_MATCH",
            "ODD_LOT",
            "AUCTION",
        ]
    )
    parser = FutuParser(SYMBOLS)
    trades = parser.tickers(rows, ts_recv)
    assert [(t.price, t.size) for t in trades] == [(118.5, 400), (118.6, 251300)]
    assert trades[-1].ts_event == 1_770_797_284 * S  # closing auction 16:08:04 HKT
    assert parser.odd_lots_dropped == 1


def test_us_ticker_push_uses_new_york_daylight_time() -> None:
    seen, (_, _, ticker_handler) = pushes()
    ticker_handler.on_recv_rsp(load("push_ticker_us.json", Qot_UpdateTicker_pb2.Response))
    trades = FutuParser(SYMBOLS).tickers(seen[0][2], 7)
    assert trades == [Trade("PONY", 15.02, 200, 1_773_063_000_512_000_000, 7)]


def test_basic_quote_push_is_a_last_price_without_tickers() -> None:
    seen, (quote_handler, _, _) = pushes()
    quote_handler.on_recv_rsp(load("push_basic_qot_hk.json", Qot_UpdateBasicQot_pb2.Response))
    rows = seen[0][2]
    assert rows[0]["code"] == "HK.02026" and rows[0]["last_price"] == 118.6
    trades = FutuParser(SYMBOLS, trades_from_quotes=True).quotes(rows, 7)
    assert trades == [Trade("2026.HK", 118.6, 0.0, 1_770_797_284 * S, 7)]


def test_error_push_is_passed_on_with_futus_message() -> None:
    seen, (_, book_handler, _) = pushes()
    book_handler.on_recv_rsp(load("push_subscribe_error.json", Qot_UpdateOrderBook_pb2.Response))
    [(kind, ret, data, _)] = seen
    assert kind == "order_book" and ret != 0 and "LV2" in data
