"""Futu OpenAPI through a local OpenD gateway: HK (``HK.02026``) and US (``US.PONY``).

Needs the optional extra ``futu`` (``pip install 'dlmon[futu]'``); ``futu`` is imported
only when a configuration asks for this feed type.
"""

from __future__ import annotations

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.futu.config import FutuOptions


def create_feed(spec: FeedSpec, options: FutuOptions, ctx: FeedContext) -> Feed:
    """Build the ``futu`` feed; raise :class:`MissingExtraError` without ``futu-api``."""
    from monitor.feeds.futu.client import FutuFeed
    from monitor.feeds.futu.sdk import build_handlers, load_futu, open_quote_context

    load_futu()
    return FutuFeed(
        spec,
        options,
        ctx,
        context_factory=open_quote_context,
        handler_factory=build_handlers,
    )


FEED_TYPE = FeedType(options=FutuOptions, factory=create_feed, extra="futu", requires=("futu",))

__all__ = ["FEED_TYPE", "FutuOptions", "create_feed"]
