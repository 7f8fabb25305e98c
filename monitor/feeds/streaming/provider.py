"""Symbols a streaming provider serves (the generic provider builder comes here)."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from monitor.errors import ConfigError
from monitor.feeds.base import FeedSpec
from monitor.feeds.wire import symbol_map

log = structlog.get_logger(__name__)


def served_symbols(
    spec: FeedSpec, provider: str, default: Callable[[str], str | None]
) -> dict[str, str]:
    """Map the spec's instruments to provider symbols; warn about the ones not served.

    Raises :class:`~monitor.errors.ConfigError` when the provider serves none of them.
    """
    symbols, skipped = symbol_map(spec.instruments, spec.symbols, default)
    if skipped:
        log.warning("instruments not served", feed=spec.name, provider=provider, skipped=skipped)
    if not symbols:
        raise ConfigError(
            f"feeds.{spec.name}: {provider} serves none of {', '.join(spec.instruments) or '[]'}"
            " (list instruments it covers, or map them in symbols)"
        )
    return symbols
