"""Exceptions raised by dlmon.

::

    DlmonError
    ├── ConfigError          a configuration file or value is invalid (exit code 2)
    ├── MissingExtraError    a config asks for an optional extra that is not installed
    └── FeedError            a feed cannot go on as it is
        ├── FeedFatalError   credentials, entitlement or connection limit: retry slowly
        └── FeedProtocolError the peer broke the protocol: reconnect with backoff
"""

from __future__ import annotations


class DlmonError(Exception):
    """Base of every dlmon exception."""


class ConfigError(DlmonError):
    """A configuration file or value is invalid."""


class MissingExtraError(DlmonError):
    """An optional dependency needed by the configuration is not installed."""

    def __init__(self, feature: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the optional extra {extra!r}: pip install 'dlmon[{extra}]'"
        )
        self.extra = extra


class FeedError(DlmonError):
    """A feed cannot go on as it is."""


class FeedFatalError(FeedError):
    """Bad credentials, a missing entitlement or a connection limit: retry slowly."""


class FeedProtocolError(FeedError):
    """The provider sent something that breaks its protocol: reconnect with backoff."""
