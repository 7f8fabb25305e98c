"""The only module that imports ``futu``: push handlers and the quote context factory.

Futu calls handlers and connection hooks on its own threads. The handlers here run the
SDK's own parsing (``super().on_recv_rsp``), turn DataFrames into plain records on that
thread, and hand ``(kind, ret, payload, ts_recv)`` to a thread-safe ``push`` callable.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from monitor.errors import MissingExtraError
from monitor.feeds.base import Clock

PushSink = Callable[[str, int, Any, int], None]
"""``(kind, ret, payload, ts_recv)`` with kind ``quote``/``order_book``/``ticker``."""


class ConnectionListener(Protocol):
    """Connection hooks, called on SDK threads."""

    def connected(self, ok: bool, message: str) -> None: ...

    def disconnected(self, message: str) -> None: ...


class QuoteContext(Protocol):
    """The part of ``futu.OpenQuoteContext`` the feed uses (all blocking calls)."""

    def set_handler(self, handler: Any) -> Any: ...

    def subscribe(self, code_list: list[str], subtype_list: list[str]) -> tuple[int, Any]: ...

    def close(self) -> None: ...


ContextFactory = Callable[[str, int, ConnectionListener], QuoteContext]
HandlerFactory = Callable[[PushSink, Clock], list[Any]]


def load_futu() -> ModuleType:
    """Import ``futu`` or raise :class:`MissingExtraError`."""
    try:
        import futu
    except ImportError as exc:
        raise MissingExtraError("feed type 'futu'", "futu") from exc
    module: ModuleType = futu
    return module


def _records(data: Any) -> Any:
    return data.to_dict("records") if hasattr(data, "to_dict") else data


def build_handlers(push: PushSink, clock: Clock) -> list[Any]:
    """Build quote, order book and ticker handlers (real futu handler subclasses)."""
    futu = load_futu()
    quote_base: Any = futu.StockQuoteHandlerBase
    book_base: Any = futu.OrderBookHandlerBase
    ticker_base: Any = futu.TickerHandlerBase

    class QuoteHandler(quote_base):  # type: ignore[misc]
        def on_recv_rsp(self, rsp_pb: Any) -> tuple[int, Any]:
            ts_recv = clock()
            ret, data = super().on_recv_rsp(rsp_pb)
            push("quote", ret, _records(data) if ret == futu.RET_OK else data, ts_recv)
            return ret, data

    class OrderBookHandler(book_base):  # type: ignore[misc]
        def on_recv_rsp(self, rsp_pb: Any) -> tuple[int, Any]:
            ts_recv = clock()
            ret, data = super().on_recv_rsp(rsp_pb)
            push("order_book", ret, data, ts_recv)
            return ret, data

    class TickerHandler(ticker_base):  # type: ignore[misc]
        def on_recv_rsp(self, rsp_pb: Any) -> tuple[int, Any]:
            ts_recv = clock()
            ret, data = super().on_recv_rsp(rsp_pb)
            push("ticker", ret, _records(data) if ret == futu.RET_OK else data, ts_recv)
            return ret, data

    return [QuoteHandler(), OrderBookHandler(), TickerHandler()]


def open_quote_context(host: str, port: int, listener: ConnectionListener) -> QuoteContext:
    """Create an ``OpenQuoteContext`` that connects in the background and reports to
    ``listener`` (blocking briefly: call it in a worker thread)."""
    futu = load_futu()
    context_base: Any = futu.OpenQuoteContext

    class ReportingQuoteContext(context_base):  # type: ignore[misc]
        def on_api_socket_reconnected(self) -> tuple[int, str]:
            ret, msg = super().on_api_socket_reconnected()
            listener.connected(ret == futu.RET_OK, str(msg or ""))
            return ret, msg

        def on_disconnect(self, conn_id: Any, reason: Any, msg: Any) -> None:
            super().on_disconnect(conn_id, reason, msg)
            listener.disconnected(f"{getattr(reason, 'name', reason)}: {msg}")

    context: QuoteContext = ReportingQuoteContext(host=host, port=port, is_async_connect=True)
    return context


__all__ = [
    "ConnectionListener",
    "ContextFactory",
    "HandlerFactory",
    "PushSink",
    "QuoteContext",
    "build_handlers",
    "load_futu",
    "open_quote_context",
]
