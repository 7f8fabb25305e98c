"""The ``ibkr`` feed: one TWS / IB Gateway session serving every configured leg.

``ib_async`` is asyncio-native, so its events (eventkit) fire on the daemon's loop. The
``IB`` object is built by an injected factory (tests pass a fake at that boundary); each
connection gets a fresh ``IB``, and the shared reconnect loop
(:mod:`monitor.feeds.streaming`) owns backoff, reconnect counting and slow fatal
retries. Entitlement and contract errors mark a leg, not the connection: the feed is
FATAL only when no leg can be served, and those legs are re-requested every
``entitlement_retry_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from time import perf_counter_ns
from typing import Any

from monitor.errors import FeedFatalError
from monitor.feeds.badinput import BadInputLog
from monitor.feeds.base import FeedContext, FeedSpec, FeedState
from monitor.feeds.ibkr.codes import CodeKind, classify
from monitor.feeds.ibkr.config import MARKET_DATA_TYPE_CODES, IbkrContract, IbkrOptions
from monitor.feeds.ibkr.parse import LegParser, default_contract, market_data_type_name
from monitor.feeds.streaming import ReconnectLoop, Sleep, StreamingCallback, venue_open

log = logging.getLogger(__name__)

IBFactory = Callable[[], Any]
ContractFactory = Callable[[IbkrContract], Any]
NS = 1_000_000_000
_FAILED = frozenset({"entitlement_error", "contract_error"})


@dataclass(slots=True)
class LegStatus:
    """What one leg is doing; ``market_data_type`` is what IB actually delivers."""

    instrument: str
    contract: str
    state: str = "pending"  # pending, streaming, silent, entitlement_error, contract_error
    market_data_type: str = ""
    reason: str = ""
    notice: str = ""  # informational, e.g. TWS 10167 "displaying delayed market data"
    error_code: int | None = None
    last_event_ns: int = 0
    since_ns: int = 0


def describe(contract: IbkrContract) -> str:
    where = contract.exchange + (
        f"/{contract.primary_exchange}" if contract.primary_exchange else ""
    )
    return f"{contract.sec_type} {contract.symbol} {contract.currency} @{where}"


class IbkrFeed:
    """Stream quotes and trades of every configured leg from one IB API session."""

    def __init__(
        self,
        spec: FeedSpec,
        options: IbkrOptions,
        ctx: FeedContext,
        ib_factory: IBFactory,
        contract_factory: ContractFactory,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.name = spec.name
        self.health = ctx.health
        self._ctx = ctx
        self._options = options
        self._silence_ns = int(spec.silence_timeout_seconds * NS)
        self._ib_factory = ib_factory
        self._contract_factory = contract_factory
        self._reconnect = ReconnectLoop(
            ctx.health,
            options.connection,
            sleep=sleep,
            rng=rng,
            in_session=venue_open(ctx, spec.instruments),
        )
        self._connect_error = ""
        self._specs = {
            inst: options.contracts.get(inst) or default_contract(inst, spec.symbols)
            for inst in spec.instruments
        }
        self.legs: dict[str, LegStatus] = {
            inst: LegStatus(inst, describe(c)) for inst, c in self._specs.items()
        }
        self._bad_input = BadInputLog(spec.name)
        self._parsers = {
            inst: LegParser(inst, c.sec_type == "CASH", spec.name)
            for inst, c in self._specs.items()
        }
        self._ib: Any = None
        self._contracts: dict[str, Any] = {}
        self._by_ticker: dict[int, str] = {}
        self._by_contract: dict[int, str] = {}
        self._connectivity_lost = ""
        self._disconnected = asyncio.Event()

    @property
    def detail(self) -> dict[str, dict[str, object]]:
        """Per-leg state, contract and market data type (``live``/``delayed``/...)."""
        return {inst: asdict(leg) for inst, leg in self.legs.items()}

    async def run(self) -> None:
        """Connect, subscribe and stream; the shared reconnect loop reconnects with backoff."""
        try:
            await self._reconnect.run(self._session)
        finally:
            self._close()

    # -- one connection ----------------------------------------------------------------

    async def _session(self, streaming: StreamingCallback) -> None:
        """Run one API connection until it closes (always ends by raising)."""
        self._disconnected = asyncio.Event()
        self._connectivity_lost = ""
        self._connect_error = ""
        ib = self._ib = self._ib_factory()
        ib.pendingTickersEvent += self._on_pending_tickers
        ib.errorEvent += self._on_error
        ib.disconnectedEvent += self._on_disconnected
        try:
            await self._connect(ib)
            await self._subscribe_all(ib)
            streaming()
            self._update_state()
            await self._watch()
            raise ConnectionResetError("TWS/Gateway closed the API connection")
        finally:
            self._close()

    async def _connect(self, ib: Any) -> None:
        options = self._options
        where = f"TWS/Gateway at {options.host}:{options.port}"
        try:
            await ib.connectAsync(
                options.host,
                options.port,
                clientId=options.client_id,
                timeout=options.connect_timeout_seconds,
                readonly=True,
            )
        except TimeoutError:
            raise TimeoutError(
                f"{where}: no API handshake within {options.connect_timeout_seconds:g}s"
            ) from None
        except OSError as exc:
            if self._connect_error.startswith("TWS 326"):  # client id in use: not transient
                raise FeedFatalError(f"{where}: {self._connect_error}") from exc
            raise ConnectionRefusedError(f"cannot connect to {where}: {exc}") from exc

    async def _subscribe_all(self, ib: Any) -> None:
        self.health.set_state(FeedState.SUBSCRIBING)
        wanted = {inst: self._contract_factory(c) for inst, c in self._specs.items()}
        qualified = await ib.qualifyContractsAsync(*wanted.values())
        ib.reqMarketDataType(MARKET_DATA_TYPE_CODES[self._options.market_data_type])
        now = self._ctx.clock()
        for (inst, contract), result in zip(wanted.items(), qualified, strict=True):
            leg = self.legs[inst]
            if result is None or isinstance(result, list):
                self._fail_leg(leg, "contract_error", None, "contract not found or ambiguous", now)
                continue
            self._contracts[inst] = contract
            self._by_contract[id(contract)] = inst
            self._request(ib, inst, now)
        self._update_state()

    def _request(self, ib: Any, inst: str, now: int) -> None:
        contract = self._contracts[inst]
        leg = self.legs[inst]
        leg.state, leg.reason, leg.error_code, leg.since_ns = "pending", "", None, now
        self._parsers[inst].reset()
        ticker = ib.reqMktData(contract, "", False, False)
        self._by_ticker[id(ticker)] = inst

    def _resubscribe(self, ib: Any, inst: str, now: int) -> None:
        ib.cancelMktData(self._contracts[inst])
        self._request(ib, inst, now)

    async def _watch(self) -> None:
        interval = max(0.05, min(5.0, self._silence_ns / NS / 4))
        while not self._disconnected.is_set():
            try:
                await asyncio.wait_for(self._disconnected.wait(), timeout=interval)
            except TimeoutError:
                self._housekeeping()

    def _housekeeping(self) -> None:
        ib, now = self._ib, self._ctx.clock()
        retry_ns = int(self._options.entitlement_retry_seconds * NS)
        for inst in self._contracts:
            leg = self.legs[inst]
            if leg.state in _FAILED:
                if now - leg.since_ns >= retry_ns:
                    self._resubscribe(ib, inst, now)
                continue
            if self._connectivity_lost or not self._ctx.sessions.is_open(inst, now):
                continue
            if now - max(leg.last_event_ns, leg.since_ns) > self._silence_ns:
                self.health.count_error("silence")
                log.warning("ibkr %s: %s silent, re-requesting market data", self.name, inst)
                self._resubscribe(ib, inst, now)
                leg.state, leg.reason = "silent", "no data while in session; re-requested"
        self._update_state()

    def _close(self) -> None:
        ib, self._ib = self._ib, None
        if ib is None:
            return
        ib.pendingTickersEvent -= self._on_pending_tickers
        ib.errorEvent -= self._on_error
        ib.disconnectedEvent -= self._on_disconnected
        self._by_ticker.clear()
        self._by_contract.clear()
        self._contracts.clear()
        if ib.isConnected():
            ib.disconnect()

    # -- ib_async event handlers (called on the loop) ------------------------------------

    def _on_disconnected(self) -> None:
        self.health.set_state(FeedState.BACKOFF, "TWS/Gateway connection closed")
        self._disconnected.set()

    def _on_pending_tickers(self, tickers: Iterable[Any]) -> None:
        now = self._ctx.clock()
        for ticker in tickers:
            inst = self._by_ticker.get(id(ticker))
            if inst is None:
                continue
            errors: list[str] = []
            try:
                self._on_ticker(inst, ticker, now, errors)
            except Exception as exc:  # one bad ticker never loses the others
                errors.append(f"ticker {type(exc).__name__}: {exc}"[:200])
            for error in errors:
                self.health.count_error("parse")
                self._bad_input.note("parse", f"{inst}: {error}", None, now)

    def _on_ticker(self, inst: str, ticker: Any, now: int, errors: list[str]) -> None:
        received = perf_counter_ns()
        leg = self.legs[inst]
        leg.market_data_type = market_data_type_name(int(ticker.marketDataType))
        events = self._parsers[inst].on_ticker(ticker, now, errors)
        self.health.messages_total += 1
        self.health.last_message_ns = now
        if not events:
            return
        if leg.state != "streaming":
            leg.state, leg.reason, leg.error_code = "streaming", "", None
            self._update_state()
        leg.last_event_ns = now
        for event in events:
            self._ctx.sink(event)
        self.health.ingest_latency.observe_ns(perf_counter_ns() - received)

    def _on_error(self, req_id: int, code: int, message: str, contract: Any = None) -> None:
        kind = classify(code)
        inst = self._by_contract.get(id(contract)) if contract is not None else None
        now = self._ctx.clock()
        if kind is CodeKind.FARM or kind is CodeKind.OTHER and inst is None:
            log.info("ibkr %s: TWS %s (reqId %s): %s", self.name, code, req_id, message)
            return
        log.warning("ibkr %s: TWS %s (reqId %s, %s): %s", self.name, code, req_id, inst, message)
        if inst is not None:
            self._on_leg_error(self.legs[inst], kind, code, message, now)
        elif kind is CodeKind.CONNECTIVITY_LOST:
            self.health.count_error("connectivity")
            self._connectivity_lost = f"TWS {code}: {message}"
        elif kind is CodeKind.RESTORED_DATA_LOST:
            self._connectivity_lost = ""
            for leg_inst in list(self._contracts):
                self._resubscribe(self._ib, leg_inst, now)
        elif kind is CodeKind.RESTORED:
            self._connectivity_lost = ""
        elif kind is CodeKind.CONNECTION:
            self._connect_error = f"TWS {code}: {message}"  # the reconnect loop counts it
            return
        self._update_state()

    def _on_leg_error(
        self, leg: LegStatus, kind: CodeKind, code: int, message: str, now: int
    ) -> None:
        if kind is CodeKind.ENTITLEMENT:
            self.health.count_error("entitlement")
            self._fail_leg(leg, "entitlement_error", code, message, now)
        elif kind is CodeKind.CONTRACT:
            self.health.count_error("contract")
            self._fail_leg(leg, "contract_error", code, message, now)
        elif kind is CodeKind.DELAYED_NOTICE:
            leg.notice = f"TWS {code}: {message}"
        else:
            self.health.count_error("other")
            leg.reason = f"TWS {code}: {message}"

    def _fail_leg(
        self, leg: LegStatus, state: str, code: int | None, message: str, now: int
    ) -> None:
        leg.state, leg.error_code, leg.since_ns = state, code, now
        leg.reason = f"TWS {code}: {message}" if code is not None else message

    def _update_state(self) -> None:
        if self._disconnected.is_set() or self._ib is None:
            return
        if self._connectivity_lost:
            self.health.set_state(FeedState.CONNECTING, self._connectivity_lost)
            return
        failed = [leg for leg in self.legs.values() if leg.state in _FAILED]
        reason = "; ".join(f"{leg.instrument}: {leg.reason}" for leg in failed)
        if failed and len(failed) == len(self.legs):
            self.health.set_state(FeedState.FATAL, reason)
        else:
            self.health.set_state(FeedState.STREAMING, reason)


__all__ = ["IbkrFeed", "LegStatus"]
