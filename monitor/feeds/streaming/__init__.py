"""Streaming transports that know no provider: reconnect loop (with the shared backoff),
silence watchdog, guarded dispatch, websocket and HTTP-stream feeds, and the builder.

A provider plugs in through :class:`WsAdapter` or :class:`HttpStreamAdapter` hooks and
declares itself as a :class:`StreamingProvider`, which builds its feed; the skeleton of a
new provider is ``monitor/feeds/_template/``.
"""

from monitor.feeds.streaming.dispatch import Dispatcher
from monitor.feeds.streaming.http_stream import (
    HttpRequest,
    HttpStreamAdapter,
    HttpStreamFeed,
    LineSplitter,
    SessionFactory,
    default_http_session,
)
from monitor.feeds.streaming.options import ConnectionOptions
from monitor.feeds.streaming.provider import (
    StreamingOptions,
    StreamingProvider,
    served_symbols,
)
from monitor.feeds.streaming.reconnect import (
    Failure,
    ReconnectLoop,
    Session,
    Sleep,
    StreamingCallback,
    classify,
    venue_open,
)
from monitor.feeds.streaming.watchdog import FeedSilentError, SilenceWatchdog
from monitor.feeds.streaming.websocket import (
    Endpoint,
    WebSocketFeed,
    WsAdapter,
    WsConnector,
    WsLink,
    connect_websocket,
)

__all__ = [
    "ConnectionOptions",
    "Dispatcher",
    "Endpoint",
    "Failure",
    "FeedSilentError",
    "HttpRequest",
    "HttpStreamAdapter",
    "HttpStreamFeed",
    "LineSplitter",
    "ReconnectLoop",
    "Session",
    "SessionFactory",
    "SilenceWatchdog",
    "Sleep",
    "StreamingCallback",
    "StreamingOptions",
    "StreamingProvider",
    "WebSocketFeed",
    "WsAdapter",
    "WsConnector",
    "WsLink",
    "classify",
    "connect_websocket",
    "default_http_session",
    "served_symbols",
    "venue_open",
]
