"""A fake OpenD and quote context that deliver real Futu handler payloads from threads.

Pushes are real protobuf responses (``Qot_UpdateBasicQot`` / ``Qot_UpdateOrderBook`` /
``Qot_UpdateTicker``) fed to the feed's real handler subclasses via ``on_recv_rsp`` on a
separate thread, as the SDK's callback executor does; connection hooks also fire from
threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from futu import OrderBookHandlerBase, StockQuoteHandlerBase, TickerHandlerBase
from futu.common.pb import Qot_UpdateBasicQot_pb2, Qot_UpdateOrderBook_pb2, Qot_UpdateTicker_pb2

from monitor.feeds.futu.sdk import ConnectionListener

MARKETS = {"HK": 1, "US": 11}
TICKER_TYPES = {"AUTO_MATCH": 1, "ODD_LOT": 6, "AUCTION": 7}


def in_thread(fn: Callable[[], object]) -> None:
    thread = threading.Thread(target=fn, name="futu-callback")
    thread.start()
    thread.join()


def _security(target: Any, code: str) -> None:
    market, symbol = code.split(".", 1)
    target.market = MARKETS[market]
    target.code = symbol


def order_book_pb(
    code: str,
    bids: list[tuple[float, int]],
    asks: list[tuple[float, int]],
    recv_time: str = "",
) -> Qot_UpdateOrderBook_pb2.Response:
    rsp = Qot_UpdateOrderBook_pb2.Response()
    rsp.retType = 0
    _security(rsp.s2c.security, code)
    for price, volume in bids:
        rsp.s2c.orderBookBidList.add(price=price, volume=volume, orederCount=1)
    for price, volume in asks:
        rsp.s2c.orderBookAskList.add(price=price, volume=volume, orederCount=1)
    rsp.s2c.svrRecvTimeBid = recv_time
    rsp.s2c.svrRecvTimeAsk = recv_time
    return rsp


def ticker_pb(
    code: str, rows: list[tuple[str, int, float, int, str]]
) -> Qot_UpdateTicker_pb2.Response:
    """Rows of ``(time, sequence, price, volume, type)``."""
    rsp = Qot_UpdateTicker_pb2.Response()
    rsp.retType = 0
    _security(rsp.s2c.security, code)
    for time, sequence, price, volume, kind in rows:
        rsp.s2c.tickerList.add(
            time=time,
            sequence=sequence,
            dir=1,
            price=price,
            volume=volume,
            turnover=price * volume,
            type=TICKER_TYPES[kind],
            pushDataType=1,
        )
    return rsp


def quote_pb(code: str, last: float, update_time: str) -> Qot_UpdateBasicQot_pb2.Response:
    rsp = Qot_UpdateBasicQot_pb2.Response()
    rsp.retType = 0
    qot = rsp.s2c.basicQotList.add()
    _security(qot.security, code)
    qot.isSuspended = False
    qot.listTime = "2025-11-06"
    qot.priceSpread = 0.1
    qot.updateTime = update_time
    qot.highPrice = qot.openPrice = qot.lowPrice = qot.curPrice = last
    qot.lastClosePrice = last
    qot.volume = 1000
    qot.turnover = last * 1000
    qot.turnoverRate = 0.0
    qot.amplitude = 0.0
    return rsp


@dataclass
class OpenD:
    """The gateway: tests switch it up/down, refuse subscriptions and push data."""

    up: bool = True
    subscribe_error: str | None = None
    contexts: list[FakeQuoteContext] = field(default_factory=list)

    @property
    def current(self) -> FakeQuoteContext:
        return self.contexts[-1]

    def factory(self, host: str, port: int, listener: ConnectionListener) -> FakeQuoteContext:
        context = FakeQuoteContext(self, host, port, listener)
        self.contexts.append(context)
        if self.up:
            in_thread(lambda: listener.connected(True, ""))
        return context

    def push(self, kind: str, rsp: Any) -> None:
        handler = self.current.handlers[kind]
        in_thread(lambda: handler.on_recv_rsp(rsp))

    def drop(self) -> None:
        listener = self.current.listener
        in_thread(lambda: listener.disconnected("RemoteClose: connection reset by OpenD"))


class FakeQuoteContext:
    """Implements set_handler / subscribe / close like ``OpenQuoteContext``."""

    def __init__(self, opend: OpenD, host: str, port: int, listener: ConnectionListener) -> None:
        self.opend = opend
        self.address = (host, port)
        self.listener = listener
        self.handlers: dict[str, Any] = {}
        self.subscriptions: list[tuple[list[str], list[str]]] = []
        self.closed = False
        self.threads: list[str] = []

    def set_handler(self, handler: Any) -> int:
        for kind, base in (
            ("quote", StockQuoteHandlerBase),
            ("order_book", OrderBookHandlerBase),
            ("ticker", TickerHandlerBase),
        ):
            if isinstance(handler, base):
                self.handlers[kind] = handler
        return 0

    def subscribe(self, code_list: list[str], subtype_list: list[str]) -> tuple[int, Any]:
        self.threads.append(threading.current_thread().name)
        if self.opend.subscribe_error is not None:
            return -1, self.opend.subscribe_error
        self.subscriptions.append((code_list, subtype_list))
        return 0, None

    def close(self) -> None:
        self.closed = True
