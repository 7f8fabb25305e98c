"""Template for a new streaming provider: copy this package to ``feeds/<provider>/``.

A provider is ``config.py`` (its options, with a ``connection:`` section), ``parse.py``
(pure frame -> events), ``client.py`` (its adapter hooks and ``default_symbol``) and this
``__init__``, which declares it; :class:`~monitor.feeds.streaming.StreamingProvider`
maps the symbols and builds the feed.

Steps:

1. Rename ``TemplateOptions`` and fill in the provider's options (secrets as ``SecretStr``).
2. Write ``parse.py``: a pure function (or small class) from one frame and the receive
   time to :class:`~monitor.feeds.wire.Parsed` (events, control messages, bad elements).
   Test it on recorded frames in ``tests/fixtures/<provider>/``.
3. Fill in ``client.py``: ``default_symbol`` (the provider's name for a canonical id, or
   ``None`` for one it cannot serve) and the adapter's hooks: endpoint, authenticate,
   subscribe (replay *all* stored subscriptions: it runs on every reconnect), on_control
   (raise ``FeedFatalError`` for credentials / entitlement / connection limits,
   ``FeedProtocolError`` for anything a reconnect may fix). A newline-delimited JSON
   stream over HTTP subclasses ``HttpStreamAdapter`` instead (see ``oanda``).
4. Declare the provider below: ``label`` names it in messages; a feed that serves none
   of its instruments is refused unless ``refuse_if_none_served=False``.
5. Add ``"<provider>": "monitor.feeds.<provider>"`` to ``FEED_PACKAGES`` in
   :mod:`monitor.feeds.registry`, a protocol server under ``tests/support/servers/``
   (tests build the feed with ``PROVIDER.build(spec, options, ctx, sleep=...)``) and an
   example in ``config/examples/``.

This package is deliberately not registered.
"""

from __future__ import annotations

from monitor.feeds._template.client import TemplateAdapter, default_symbol
from monitor.feeds._template.config import TemplateOptions
from monitor.feeds.streaming import StreamingProvider

PROVIDER = StreamingProvider(
    label="template",
    options=TemplateOptions,
    adapter=TemplateAdapter,
    default_symbol=default_symbol,
)
FEED_TYPE = PROVIDER.feed_type()

__all__ = ["FEED_TYPE", "PROVIDER", "TemplateOptions"]
