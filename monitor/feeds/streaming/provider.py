"""A streaming provider declared once, built generically: symbols, adapter, feed.

A websocket or HTTP-stream provider is its options model, an adapter class and a
default-symbol function. :class:`StreamingProvider` holds that declaration and builds
the feed from it, so no provider writes its own factory::

    PROVIDER = StreamingProvider(
        label="alpaca", options=AlpacaOptions, adapter=AlpacaAdapter, default_symbol=default_symbol
    )
    FEED_TYPE = PROVIDER.feed_type()
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import structlog

from monitor.errors import ConfigError
from monitor.feeds.base import FeedContext, FeedSpec, FeedType
from monitor.feeds.streaming.http_stream import (
    HttpStreamAdapter,
    HttpStreamFeed,
    SessionFactory,
    default_http_session,
)
from monitor.feeds.streaming.options import ConnectionOptions
from monitor.feeds.streaming.reconnect import Sleep
from monitor.feeds.streaming.websocket import (
    WebSocketFeed,
    WsAdapter,
    WsConnector,
    connect_websocket,
)
from monitor.feeds.wire import symbol_map
from monitor.retry import Monotonic

log = structlog.get_logger(__name__)


class StreamingOptions(Protocol):
    """What the builder reads of a provider's options model: its ``connection:`` section."""

    @property
    def connection(self) -> ConnectionOptions: ...


OptionsT = TypeVar("OptionsT", bound=StreamingOptions)


@dataclass(frozen=True, slots=True)
class StreamingProvider(Generic[OptionsT]):
    """What a streaming provider is; :meth:`build` makes its feed, :meth:`feed_type` registers it.

    ``label`` names the provider in messages (a function of the options where they matter,
    e.g. ``polygon stocks``). ``adapter`` builds the provider's hooks from the options and
    the served ``{canonical id: provider symbol}`` map; a :class:`WsAdapter` runs in a
    :class:`WebSocketFeed`, an :class:`HttpStreamAdapter` in an :class:`HttpStreamFeed`.
    ``default_symbol`` names an instrument for the provider, ``None`` if it cannot serve it
    (``symbols:`` in the feed's config overrides it). Unserved instruments are skipped with
    a warning; a feed that serves none of its instruments is refused with a
    :class:`~monitor.errors.ConfigError` unless ``refuse_if_none_served`` is false.
    """

    label: str | Callable[[OptionsT], str]
    options: type[OptionsT]
    adapter: Callable[[OptionsT, dict[str, str]], WsAdapter | HttpStreamAdapter]
    default_symbol: Callable[[OptionsT, str], str | None]
    refuse_if_none_served: bool = True

    def feed_type(self) -> FeedType[OptionsT]:
        """Return the registry entry: the options model and :meth:`build` (default seams)."""
        return FeedType(options=self.options, factory=self.build)

    def symbols(self, spec: FeedSpec, options: OptionsT) -> dict[str, str]:
        """Map the spec's instruments to provider symbols (see the class docstring)."""
        label = self.label if isinstance(self.label, str) else self.label(options)
        return served_symbols(
            spec,
            label,
            lambda instrument: self.default_symbol(options, instrument),
            refuse_if_none=self.refuse_if_none_served,
        )

    def build(
        self,
        spec: FeedSpec,
        options: OptionsT,
        ctx: FeedContext,
        *,
        connector: WsConnector = connect_websocket,
        session_factory: SessionFactory = default_http_session,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        monotonic: Monotonic = time.monotonic,
    ) -> WebSocketFeed | HttpStreamFeed:
        """Build (without starting) the feed for the spec's instruments.

        The keywords are the seams tests replace: the websocket ``connector`` (or the
        ``session_factory`` of an HTTP stream) and the backoff's ``sleep``, ``rng`` and
        ``monotonic`` clock.
        """
        symbols = self.symbols(spec, options)
        adapter = self.adapter(options, symbols)
        if isinstance(adapter, HttpStreamAdapter):
            return HttpStreamFeed(
                spec.name,
                adapter,
                ctx,
                instruments=list(symbols),
                silence_timeout_seconds=spec.silence_timeout_seconds,
                options=options.connection,
                session_factory=session_factory,
                sleep=sleep,
                rng=rng,
                monotonic=monotonic,
            )
        return WebSocketFeed(
            spec.name,
            adapter,
            ctx,
            instruments=list(symbols),
            silence_timeout_seconds=spec.silence_timeout_seconds,
            options=options.connection,
            connector=connector,
            sleep=sleep,
            rng=rng,
            monotonic=monotonic,
        )


def served_symbols(
    spec: FeedSpec,
    provider: str,
    default: Callable[[str], str | None],
    *,
    refuse_if_none: bool = True,
) -> dict[str, str]:
    """Map the spec's instruments to provider symbols; warn about the ones not served.

    Raises :class:`~monitor.errors.ConfigError` when the provider serves none of them
    (unless ``refuse_if_none`` is false).
    """
    symbols, skipped = symbol_map(spec.instruments, spec.symbols, default)
    if skipped:
        log.warning("instruments not served", feed=spec.name, provider=provider, skipped=skipped)
    if not symbols and refuse_if_none:
        raise ConfigError(
            f"feeds.{spec.name}: {provider} serves none of {', '.join(spec.instruments) or '[]'}"
            " (list instruments it covers, or map them in symbols)"
        )
    return symbols


__all__ = ["StreamingOptions", "StreamingProvider", "served_symbols"]
