"""The one guarded entry point of every incoming frame of a streaming feed."""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter_ns

import structlog

from monitor.feeds.badinput import DEFAULT_INTERVAL_SECONDS, BadInputLog, Emit
from monitor.feeds.base import FeedContext
from monitor.feeds.streaming.watchdog import SilenceWatchdog
from monitor.feeds.wire import Control, Parsed

log = structlog.get_logger(__name__)

Parser = Callable[[str | bytes, int], Parsed]
ControlHandler = Callable[[Control], None]


class Dispatcher:
    """The one guarded entry point for every incoming frame.

    A frame that cannot be parsed is counted (``parse``) and the loop goes on; elements of
    a batch that fail (``parse``) or name an unknown symbol (``unknown_symbol``) are
    counted while the good events of the same batch still reach the sink. Bad input is
    logged at most once per feed per ``log_interval_seconds`` (:class:`BadInputLog`).
    Control messages go to the adapter's handler, which may raise
    :class:`~monitor.errors.FeedFatalError` or :class:`~monitor.errors.FeedProtocolError`
    to end the session.
    """

    def __init__(
        self,
        name: str,
        parse: Parser,
        on_control: ControlHandler,
        ctx: FeedContext,
        watchdog: SilenceWatchdog,
        *,
        log_interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        emit: Emit | None = None,
    ) -> None:
        self._name = name
        self._parse = parse
        self._on_control = on_control
        self._ctx = ctx
        self._health = ctx.health
        self._watchdog = watchdog
        self._log = log.bind(feed=name)
        self._bad = BadInputLog(name, log_interval_seconds, emit)

    def dispatch(self, frame: str | bytes) -> list[Control]:
        """Handle one frame; return its control messages (after the adapter saw them).

        The time from here until the frame's last event is applied is counted in the
        feed's ingest-latency histogram.
        """
        received = perf_counter_ns()
        ts_recv = self._ctx.clock()
        health = self._health
        health.messages_total += 1
        health.last_message_ns = ts_recv
        try:
            parsed = self._parse(frame, ts_recv)
        except Exception as exc:  # guarded entry: a bad frame never ends the session
            health.count_error("parse")
            self._bad.note("parse", f"unreadable frame: {exc}", frame, ts_recv)
            return []
        if parsed.errors or parsed.unknown_symbols:
            self._count_bad(parsed, frame, ts_recv)
        if parsed.events:
            self._emit(parsed)
            health.ingest_latency.observe_ns(perf_counter_ns() - received)
            self._watchdog.saw_data(ts_recv)
        for control in parsed.controls:
            if control.kind == "error":
                health.count_error("provider")
            self._on_control(control)
        return parsed.controls

    def _count_bad(self, parsed: Parsed, frame: str | bytes, ts_recv: int) -> None:
        health, bad = self._health, self._bad
        for error in parsed.errors:
            health.count_error("parse")
            bad.note("parse", error, frame, ts_recv)
        for symbol in parsed.unknown_symbols:
            health.count_error("unknown_symbol")
            bad.unknown_symbol(symbol, frame, ts_recv)

    def _emit(self, parsed: Parsed) -> None:
        sink, name = self._ctx.sink, self._name
        for event in parsed.events:
            event.source = name
            try:  # free in 3.11 until something raises
                sink(event)
            except Exception as exc:  # the core must not kill the feed; count and go on
                self._health.count_error("sink")
                self._log.error("sink rejected event", rejected=repr(event), exc_info=exc)


__all__ = ["ControlHandler", "Dispatcher", "Parser"]
