"""Template for a new websocket provider: copy this package to ``feeds/<provider>/``.

Steps:

1. Rename ``TemplateOptions`` and fill in the provider's options (secrets as ``SecretStr``).
2. Write ``parse.py``: a pure function (or small class) from one frame and the receive
   time to :class:`~monitor.feeds.wire.Parsed` (events, control messages, bad elements).
   Test it on recorded frames in ``tests/fixtures/<provider>/``.
3. Fill in the hooks of ``client.py``: endpoint, authenticate, subscribe (replay *all*
   stored subscriptions: it runs on every reconnect), on_control (raise
   ``FeedFatalError`` for credentials / entitlement / connection limits,
   ``FeedProtocolError`` for anything a reconnect may fix).
4. Add ``"<provider>": "monitor.feeds.<provider>"`` to ``FEED_PACKAGES`` in
   :mod:`monitor.feeds.registry`, a mock server under ``tests/integration/feeds/servers/``
   and an example in ``config/examples/``.

This package is deliberately not registered.
"""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds._template.config import TemplateOptions
from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    """Build the feed from its validated options (imports the client lazily)."""
    from monitor.feeds._template.client import create_template_feed

    assert isinstance(options, TemplateOptions)
    return create_template_feed(spec, options, ctx)


FEED_TYPE = FeedType(options=TemplateOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "TemplateOptions", "create_feed"]
