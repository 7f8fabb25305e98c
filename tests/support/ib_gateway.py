"""A fake at the ``ib_async.IB`` boundary.

It keeps real eventkit Events and a real ``ib_async.wrapper.Wrapper``: ticks go through
the wrapper's own ``priceSizeTick`` / ``marketDataType`` / ``error`` code, so the feed
sees genuine ``ib_async.Ticker`` updates (with ``ticks``, NaN fields and ``time``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from eventkit import Event
from ib_async import Contract, Ticker
from ib_async.wrapper import Wrapper

KNOWN = {("PONY", "STK"): 1001, ("2026", "STK"): 1002, ("USD", "CASH"): 1003}


@dataclass
class Gateway:
    """The TWS/Gateway the fakes talk to; tests drive it."""

    refuse: bool = False
    client_id_in_use: bool = False
    entitlement_errors: dict[str, tuple[int, str]] = field(default_factory=dict)
    delayed: set[str] = field(default_factory=set)
    clients: list[FakeIB] = field(default_factory=list)
    connect_calls: int = 0
    _req_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    @property
    def current(self) -> FakeIB:
        return self.clients[-1]

    def factory(self) -> FakeIB:
        ib = FakeIB(self)
        self.clients.append(ib)
        return ib

    def req_id(self, symbol: str) -> int:
        ib = self.current
        ids: list[int] = [
            rid for rid, c in ib.wrapper._reqId2Contract.items() if c.symbol == symbol
        ]
        return max(ids)

    def send(
        self, symbol: str, *ticks: tuple[int, float | None, float], at: datetime | None = None
    ) -> None:
        """Deliver one socket read with ``(tickType, price, size)`` ticks for ``symbol``.

        A ``None`` price is a size-only tick (``tickSize``, e.g. volume 8).
        """
        ib = self.current
        wrapper: Any = ib.wrapper
        wrapper.tcpDataArrived()
        if at is not None:
            wrapper.lastTime = at
        req_id = self.req_id(symbol)
        if symbol in self.delayed:
            wrapper.marketDataType(req_id, 3)
        for tick_type, price, size in ticks:
            if price is None:
                wrapper.tickSize(req_id, tick_type, size)
            else:
                wrapper.priceSizeTick(req_id, tick_type, price, size)
        wrapper.tcpDataProcessed()

    def error(self, req_id: int, code: int, message: str) -> None:
        self.current.wrapper.error(req_id, code, message, "")

    def drop(self) -> None:
        """Close the API socket from the gateway side (TWS restart, network loss)."""
        ib = self.current
        ib.connected = False
        wrapper: Any = ib.wrapper
        wrapper.connectionClosed()
        ib.disconnectedEvent.emit()


class FakeIB:
    """Implements the part of ``ib_async.IB`` the feed uses."""

    RaiseRequestErrors = False

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.pendingTickersEvent = Event("pendingTickersEvent")
        self.errorEvent = Event("errorEvent")
        self.disconnectedEvent = Event("disconnectedEvent")
        self.connectedEvent = Event("connectedEvent")
        self.updateEvent = Event("updateEvent")
        self.wrapper: Any = Wrapper(self)  # type: ignore[arg-type]
        self.connected = False
        self.market_data_type: int | None = None
        self.requested: list[Contract] = []
        self.cancelled: list[Contract] = []
        self.connect_args: dict[str, Any] = {}

    async def connectAsync(self, host: str, port: int, **kwargs: Any) -> FakeIB:  # noqa: N802
        self.gateway.connect_calls += 1
        self.connect_args = {"host": host, "port": port, **kwargs}
        if self.gateway.refuse:
            raise ConnectionRefusedError(111, "Connect call failed")
        if self.gateway.client_id_in_use:
            message = "Unable to connect as the client id is already in use."
            self.wrapper.error(-1, 326, message, "")
            raise ConnectionError("Socket disconnect")
        self.connected = True
        self.connectedEvent.emit()
        return self

    def isConnected(self) -> bool:  # noqa: N802
        return self.connected

    def disconnect(self) -> None:
        if not self.connected:
            return
        self.connected = False
        self.disconnectedEvent.emit()
        self.wrapper.reset()

    async def qualifyContractsAsync(self, *contracts: Contract) -> list[Contract | None]:  # noqa: N802
        out: list[Contract | None] = []
        for contract in contracts:
            con_id = KNOWN.get((contract.symbol, contract.secType))
            if con_id is None:
                req_id = next(self.gateway._req_ids)
                self.wrapper.error(req_id, 200, "No security definition has been found", "")
                out.append(None)
                continue
            contract.conId = con_id
            out.append(contract)
        return out

    def reqMarketDataType(self, market_data_type: int) -> None:  # noqa: N802
        self.market_data_type = market_data_type

    def reqMktData(self, contract: Contract, *args: Any) -> Ticker:  # noqa: N802
        req_id = next(self.gateway._req_ids)
        ticker: Ticker = self.wrapper.startTicker(req_id, contract, "mktData")
        self.requested.append(contract)
        problem = self.gateway.entitlement_errors.get(contract.symbol)
        if problem is not None:
            self.wrapper.error(req_id, problem[0], problem[1], "")
        return ticker

    def cancelMktData(self, contract: Contract) -> bool:  # noqa: N802
        self.cancelled.append(contract)
        ticker = self.wrapper.tickers.get(hash(contract))
        if ticker is not None:
            self.wrapper.endTicker(ticker, "mktData")
        return True
