"""Chat notifications: one module per platform behind a common rate-limited, retrying,
spooled sender (at-least-once delivery with a stable de-duplication key).

``service`` routes notices to sinks, ``sender`` delivers one sink's queue, ``spool`` keeps
it on disk, ``factory`` builds a platform from its config, ``metrics`` is its collector.
"""
