"""Market-data feeds: each turns a provider's wire protocol into normalized core events.

A provider lives in its own package ``monitor/feeds/<provider>/``: ``config.py`` (a
pydantic options model), ``parse.py`` (pure frame -> events functions), ``client.py``
and an ``__init__`` that declares ``FEED_TYPE``, a :class:`monitor.feeds.base.FeedType`
listed in :mod:`monitor.feeds.registry`.

A streaming provider's ``client.py`` holds only its adapter (the hooks of
:mod:`monitor.feeds.streaming`) and its ``default_symbol``; its ``__init__`` declares a
:class:`~monitor.feeds.streaming.StreamingProvider`, which maps symbols and builds the
websocket or HTTP-stream feed (``FEED_TYPE = PROVIDER.feed_type()``). Copy
``_template/`` to start one. Feeds with their own session (``ibkr``, ``futu``,
``simulator``, ``replay``) give ``FEED_TYPE`` their own factory.
"""
