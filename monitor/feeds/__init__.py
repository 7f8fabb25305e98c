"""Market-data feeds: each turns a provider's wire protocol into normalized core events.

A provider lives in its own package ``monitor/feeds/<provider>/`` with ``config.py``
(a pydantic options model), ``parse.py`` (pure frame -> events functions) and
``client.py`` (connection and subscriptions). The package's ``__init__`` exposes
``FEED_TYPE``, a :class:`monitor.feeds.base.FeedType`, and is listed in
:mod:`monitor.feeds.registry`.
"""
