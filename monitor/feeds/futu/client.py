"""The ``futu`` feed: OpenD pushes (thread callbacks) bridged into the event loop.

Each session opens a fresh quote context, waits for OpenD to be ready, subscribes (a
refused subscription - quota or missing quote rights - is fatal, with Futu's message)
and then watches connection notices and data silence. A lost OpenD connection ends the
session; the shared :class:`~monitor.feeds.streaming.ReconnectLoop` backs off and starts a
new one, which subscribes again.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from time import perf_counter_ns
from typing import Any

import structlog

from monitor.core.events import Event
from monitor.errors import FeedFatalError
from monitor.feeds.badinput import BadInputLog
from monitor.feeds.base import FeedContext, FeedSpec
from monitor.feeds.futu.bridge import ThreadBridge
from monitor.feeds.futu.config import FutuOptions
from monitor.feeds.futu.parse import FutuParser, futu_code
from monitor.feeds.futu.sdk import ContextFactory, HandlerFactory, QuoteContext
from monitor.feeds.streaming import (
    ReconnectLoop,
    SilenceWatchdog,
    Sleep,
    StreamingCallback,
    venue_open,
)
from monitor.feeds.wire import Parsed, reverse_symbols, symbol_map

log = structlog.get_logger("monitor.feeds.futu")
RET_OK = 0


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str  # connected or disconnected
    ok: bool
    message: str


class _Listener:
    """Connection hooks (SDK threads) -> a queue on the loop."""

    def __init__(self, bridge: ThreadBridge, queue: asyncio.Queue[Notice]) -> None:
        self._bridge = bridge
        self._queue = queue

    def connected(self, ok: bool, message: str) -> None:
        self._bridge.call(self._queue.put_nowait, Notice("connected", ok, message))

    def disconnected(self, message: str) -> None:
        self._bridge.call(self._queue.put_nowait, Notice("disconnected", False, message))


class FutuFeed:
    """Stream HK and US quotes, best bid/ask and trades from Futu OpenD."""

    def __init__(
        self,
        spec: FeedSpec,
        options: FutuOptions,
        ctx: FeedContext,
        *,
        context_factory: ContextFactory,
        handler_factory: HandlerFactory,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.name = spec.name
        self.health = ctx.health
        self._ctx = ctx
        self._options = options
        self._context_factory = context_factory
        self._handler_factory = handler_factory
        self.symbols, skipped = symbol_map(spec.instruments, spec.symbols, futu_code)
        if skipped:
            log.warning("instruments not served by futu", feed=spec.name, skipped=skipped)
        self._bad_input = BadInputLog(spec.name)
        self._parser = FutuParser(
            reverse_symbols(self.symbols),
            trades_from_quotes="TICKER" not in options.sub_types,
            drop_hk_odd_lots=options.drop_hk_odd_lots,
        )
        self._watchdog = SilenceWatchdog(spec.silence_timeout_seconds, list(self.symbols), ctx)
        self._reconnect = ReconnectLoop(
            ctx.health,
            options.connection,
            sleep=sleep,
            rng=rng,
            in_session=venue_open(ctx, list(self.symbols)),
        )
        self._session_id = 0

    @property
    def detail(self) -> dict[str, object]:
        """Codes subscribed and counters the lead may surface."""
        return {
            "codes": dict(self.symbols),
            "sub_types": list(self._options.sub_types),
            "hk_odd_lot_trades_dropped": self._parser.odd_lots_dropped,
        }

    async def run(self) -> None:
        """Stream until cancelled; sessions are restarted by the shared reconnect loop."""
        await self._reconnect.run(self._session)

    async def _session(self, streaming: StreamingCallback) -> None:
        self._session_id += 1
        session_id = self._session_id
        bridge = ThreadBridge(asyncio.get_running_loop())
        notices: asyncio.Queue[Notice] = asyncio.Queue()
        handlers = self._handler_factory(
            lambda kind, ret, data, ts: bridge.call(self._on_push, session_id, kind, ret, data, ts),
            self._ctx.clock,
        )
        options = self._options
        quote_ctx = await asyncio.to_thread(
            self._context_factory, options.host, options.port, _Listener(bridge, notices)
        )
        try:
            for handler in handlers:
                quote_ctx.set_handler(handler)
            await self._wait_ready(notices)
            await self._subscribe(quote_ctx)
            streaming()
            await self._watch(notices)
        finally:
            self._session_id += 1  # late pushes of this context are ignored
            await asyncio.to_thread(quote_ctx.close)

    async def _wait_ready(self, notices: asyncio.Queue[Notice]) -> None:
        options = self._options
        try:
            async with asyncio.timeout(options.connect_timeout_seconds):
                notice = await notices.get()
        except TimeoutError:
            raise TimeoutError(
                f"OpenD at {options.host}:{options.port} not ready within "
                f"{options.connect_timeout_seconds:g}s"
            ) from None
        if notice.kind == "disconnected":
            raise ConnectionError(f"OpenD connection failed: {notice.message}")

    async def _subscribe(self, quote_ctx: QuoteContext) -> None:
        codes = list(self.symbols.values())
        sub_types: list[str] = list(self._options.sub_types)
        ret, message = await asyncio.to_thread(quote_ctx.subscribe, codes, sub_types)
        if ret != RET_OK:
            raise FeedFatalError(
                f"futu subscribe {','.join(codes)} {','.join(sub_types)} refused: {message}"
            )

    async def _watch(self, notices: asyncio.Queue[Notice]) -> None:
        clock, watchdog = self._ctx.clock, self._watchdog
        watchdog.start(clock())
        while True:
            try:
                async with asyncio.timeout(watchdog.budget(clock())):
                    notice = await notices.get()
            except TimeoutError:
                watchdog.check(clock())
                continue
            if notice.kind == "disconnected":
                raise ConnectionResetError(f"OpenD connection lost: {notice.message}")
            if not notice.ok:
                raise FeedFatalError(f"futu resubscribe after reconnect failed: {notice.message}")

    # -- pushes, on the loop ------------------------------------------------------------

    def _on_push(self, session_id: int, kind: str, ret: int, data: Any, ts_recv: int) -> None:
        if session_id != self._session_id:
            return
        received = perf_counter_ns()
        health = self.health
        health.messages_total += 1
        health.last_message_ns = ts_recv
        if ret != RET_OK:
            health.count_error("provider")
            log.warning("futu push error", feed=self.name, kind=kind, message=str(data)[:200])
            return
        report = Parsed()
        try:
            events = self._parse(kind, data, ts_recv, report)
        except Exception as exc:  # guarded entry: a bad push never ends the session
            report.reject(exc)
            events = []
        if report.errors or report.unknown_symbols:
            self._count_bad(kind, report, ts_recv)
        if events:
            self._watchdog.saw_data(ts_recv)
        for event in events:
            event.source = self.name
            try:
                self._ctx.sink(event)
            except Exception as exc:  # the core must not kill the feed
                health.count_error("sink")
                log.error("sink rejected event", event=repr(event), exc_info=exc)
        if events:
            health.ingest_latency.observe_ns(perf_counter_ns() - received)

    def _count_bad(self, kind: str, report: Parsed, ts_recv: int) -> None:
        for error in report.errors:
            self.health.count_error("parse")
            self._bad_input.note("parse", f"{kind}: {error}", None, ts_recv)
        for symbol in report.unknown_symbols:
            self.health.count_error("unknown_symbol")
            self._bad_input.unknown_symbol(symbol, None, ts_recv)

    def _parse(self, kind: str, data: Any, ts_recv: int, report: Parsed) -> list[Event]:
        if kind == "order_book":
            return list(self._parser.order_book(data, ts_recv))
        if kind == "ticker":
            return list(self._parser.tickers(data, ts_recv, report))
        if kind == "quote":
            return list(self._parser.quotes(data, ts_recv, report))
        return []


__all__ = ["FutuFeed", "Notice"]
