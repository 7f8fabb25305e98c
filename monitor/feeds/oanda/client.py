"""OANDA v20 pricing stream adapter over aiohttp (NDJSON lines with heartbeats)."""

from __future__ import annotations

import orjson

from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.oanda.config import OandaOptions
from monitor.feeds.oanda.parse import OandaParser
from monitor.feeds.streaming import HttpRequest, HttpStreamAdapter
from monitor.feeds.wire import Parsed, is_fx_id, reverse_symbols, truncate

FATAL_STATUSES = frozenset({401, 403, 404})
"""Bad token, no access to the account, unknown account: retry slowly."""


def default_symbol(options: OandaOptions, instrument: str) -> str | None:
    """``USDHKD`` -> ``USD_HKD``; OANDA has no equities."""
    return f"{instrument[:3]}_{instrument[3:]}" if is_fx_id(instrument) else None


def error_message(body: str) -> str:
    """The ``errorMessage`` of an OANDA error body, or the body itself (truncated)."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return truncate(body, 120)
    if isinstance(data, dict) and "errorMessage" in data:
        return str(data["errorMessage"])
    return truncate(body, 120)


class OandaAdapter(HttpStreamAdapter):
    """Hooks for one pricing stream; every instrument is requested on each connection."""

    def __init__(self, options: OandaOptions, symbols: dict[str, str]) -> None:
        self._options = options
        self.symbols = symbols
        self.line_timeout_seconds = options.line_timeout_seconds
        self._parser = OandaParser(reverse_symbols(symbols))

    def request(self) -> HttpRequest:
        return HttpRequest(
            url=self._options.stream_url(),
            params={"instruments": ",".join(self.symbols.values())},
            headers={
                "Authorization": f"Bearer {self._options.token.get_secret_value()}",
                "Accept-Datetime-Format": "RFC3339",
            },
        )

    def check_response(self, status: int, body: str) -> None:
        text = f"oanda HTTP {status}: {error_message(body)}"
        if status in FATAL_STATUSES:
            raise FeedFatalError(text)
        raise FeedProtocolError(text)

    def parse(self, frame: str | bytes, ts_recv: int) -> Parsed:
        return self._parser(frame, ts_recv)
