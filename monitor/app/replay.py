"""``dlmon replay``: recorded files through the daemon's own pipeline, then a summary.

The replay builds the same :class:`~monitor.app.Daemon` as ``dlmon run`` (pairs, fees,
session calendar, engine, feed wiring) from the given settings, with one ``replay`` feed
in place of the configured feeds and the recorder off; it does not open the HTTP port.
A :class:`~monitor.recorder.stats.PremiumTracker` listens to the engine. The summary holds
the counts, per-pair premium statistics and the final snapshot (same JSON shape as
``/api/v1/pairs``), judged at the replay clock, that is at the last recorded time.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import structlog

from monitor.app.build import load
from monitor.app.daemon import Daemon
from monitor.app.progress import progress
from monitor.core.engine import EventListener
from monitor.core.events import NS_PER_SECOND
from monitor.core.snapshot import MarketSnapshot, PairView
from monitor.expose.api import pair_json
from monitor.feeds.replay.client import ReplayFeed
from monitor.recorder.bus_range import BusRange
from monitor.recorder.format import TickFormatError
from monitor.recorder.stats import EdgeStats, Extreme, PairStats, PremiumTracker
from monitor.settings.recorder import RecorderConfig
from monitor.settings.root import FeedConfig, Settings

FEED_NAME = "replay"
EXIT_MISSING_FILE = 2


@dataclass(slots=True)
class ReplaySummary:
    """What a replay did and what it saw."""

    files: list[str]
    events: int
    skipped: int
    malformed: int
    errors: list[TickFormatError]
    accepted: int
    rejects: dict[tuple[str, str], int]
    first_ts: int | None
    last_ts: int | None
    wall_seconds: float
    pairs: list[PairStats]
    snapshot: MarketSnapshot
    speed: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        views = {view.pair: view for view in self.snapshot.pairs}
        return {
            "files": self.files,
            "speed": self.speed or "max",
            "events": self.events,
            "accepted": self.accepted,
            "rejected": {f"{i}:{r}": n for (i, r), n in sorted(self.rejects.items())},
            "skipped_rows": self.skipped,
            "malformed_rows": self.malformed,
            "malformed_examples": [str(e) for e in self.errors[:20]],
            "first_ts": _iso(self.first_ts),
            "last_ts": _iso(self.last_ts),
            "recorded_seconds": _span(self.first_ts, self.last_ts),
            "wall_seconds": round(self.wall_seconds, 3),
            "pairs": [_pair_json(stats, views.get(stats.pair)) for stats in self.pairs],
        }


async def run_replay(
    settings: Settings,
    files: Sequence[str | Path],
    speed: float = 0.0,
    *,
    strict: bool = False,
    series: TextIO | None = None,
    show_progress: bool | None = False,
    listeners: Sequence[Callable[[Daemon], EventListener]] = (),
) -> ReplaySummary:
    """Replay ``files`` through the pipeline built from ``settings``; return the summary.

    ``show_progress``: a progress line on stderr (``None``: when stderr is a terminal).
    ``listeners``: factories of further engine listeners (given the built daemon), e.g.
    the report's per-second sampler.
    """
    feed = FeedConfig.model_validate(
        {"type": "replay", "files": [str(f) for f in files], "speed": speed, "strict": strict}
    )
    settings = settings.model_copy(
        update={"feeds": {FEED_NAME: feed}, "recorder": RecorderConfig()}
    )
    daemon = Daemon(settings)
    replay = daemon.feed(FEED_NAME)
    assert isinstance(replay, ReplayFeed)
    tracker = PremiumTracker(daemon.engine, series)
    daemon.engine.listeners.append(tracker)
    for factory in listeners:
        daemon.engine.listeners.append(factory(daemon))
    started = time.monotonic()
    report = replay.report
    async with progress("replay", files, lambda: report.rows + report.malformed, show_progress):
        laps = await replay.replay()
    wall = time.monotonic() - started
    lap = laps[0]
    now = daemon.clock()
    daemon.engine.advance(now)  # the statistics as of the last recorded second
    return ReplaySummary(
        files=[str(f) for f in files],
        events=lap.events,
        skipped=lap.skipped,
        malformed=report.malformed,
        errors=list(report.errors),
        accepted=daemon.engine.accepted_total,
        rejects=dict(daemon.engine.rejects),
        first_ts=lap.first_ts,
        last_ts=lap.last_ts,
        wall_seconds=wall,
        pairs=list(tracker.pairs.values()),
        snapshot=daemon.engine.snapshot(now),
        speed=speed,
    )


def configure_replay_logging() -> None:
    """Warnings and errors to stderr, so stdout carries only the summary."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(30),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


# ---------------------------------------------------------------------------- text
def render_text(summary: ReplaySummary) -> str:
    """The human summary printed by ``dlmon replay``."""
    s = summary
    lines = [
        f"replayed {len(s.files)} file(s) at speed {s.speed or 'max'}: {s.events} events,"
        f" {s.accepted} accepted, {sum(s.rejects.values())} rejected,"
        f" {s.malformed} malformed rows, {s.skipped} rows of other instruments",
        f"recorded time {_iso(s.first_ts)} .. {_iso(s.last_ts)}"
        f" ({_span(s.first_ts, s.last_ts)} s) in {s.wall_seconds:.3f} s of wall time",
    ]
    if s.rejects:
        rejects = ", ".join(f"{i} {r}: {n}" for (i, r), n in sorted(s.rejects.items()))
        lines.append(f"rejected by validation: {rejects}")
    for error in s.errors[:20]:
        lines.append(f"malformed: {error}")
    views = {view.pair: view for view in s.snapshot.pairs}
    for stats in s.pairs:
        lines.append("")
        lines.extend(_pair_text(stats, views.get(stats.pair)))
    return "\n".join(lines) + "\n"


def _pair_text(stats: PairStats, view: PairView | None) -> list[str]:
    out = [f"pair {stats.pair}: {stats.updates} premium updates"]
    if stats.updates == 0:
        out.append("  no premium: some leg never had a price")
    else:
        for label, point in (
            ("first", stats.first),
            ("last", stats.last),
            ("min", stats.low),
            ("max", stats.high),
        ):
            out.append(f"  mid premium {label:<5} {_pct(point)}")
        out.append(f"  mid premium mean  {_fmt_ratio(stats.time_weighted_mean)} (time-weighted)")
        out.append(_edge_text("buy_hk_sell_us", stats.buy_hk_sell_us, stats.span_ns))
        out.append(_edge_text("buy_us_sell_hk", stats.buy_us_sell_hk, stats.span_ns))
    if view is not None:
        p = view.premium
        state = "stale: " + "; ".join(view.stale_reasons) if view.stale else "fresh"
        out.append(
            f"  final snapshot at {_iso(view.as_of)} ({view.basis}, {state}):"
            f" mid {_fmt_ratio(p.mid)}, buy_hk_sell_us {_fmt_ratio(p.buy_hk_sell_us)},"
            f" buy_us_sell_hk {_fmt_ratio(p.buy_us_sell_hk)}"
        )
        for leg in (view.us, view.hk, view.fx):
            out.append(
                f"    {leg.instrument:<8} bid {_price(leg.bid)} ask {_price(leg.ask)}"
                f" last {_price(leg.last)} mid {_price(leg.mid)} at {_iso(leg.ts_event)}"
                f" ({leg.session}, source {leg.source})"
            )
    return out


def _edge_text(name: str, edge: EdgeStats, span_ns: int) -> str:
    share = f"{100 * edge.positive_ns / span_ns:.1f} %" if span_ns > 0 else "n/a"
    return (
        f"  {name} best {_pct(edge.best)}; positive for {share} of the time"
        f" ({edge.positive_updates} updates)"
    )


def _pct(point: Extreme | None) -> str:
    if point is None:
        return "n/a"
    return f"{_fmt_ratio(point.value)} at {_iso(point.ts)}"


def _price(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.10g}"


def _fmt_ratio(value: float | None) -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:+.6f} ({value * 100:+.4f} %)"


def _iso(ts: int | None) -> str | None:
    if ts is None:
        return None
    moment = datetime.fromtimestamp(ts // NS_PER_SECOND, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{ts % NS_PER_SECOND:09d}Z"


def _span(first: int | None, last: int | None) -> float:
    return round((last - first) / NS_PER_SECOND, 3) if first and last else 0.0


# ---------------------------------------------------------------------------- json
def _point(point: Extreme | None) -> dict[str, Any] | None:
    return None if point is None else {"value": _num(point.value), "ts": _iso(point.ts)}


def _num(value: float | None) -> float | None:
    return None if value is None or value != value else value


def _edge_json(edge: EdgeStats, span_ns: int) -> dict[str, Any]:
    return {
        "best": _point(edge.best),
        "positive_seconds": edge.positive_ns / NS_PER_SECOND,
        "positive_share": edge.positive_ns / span_ns if span_ns > 0 else None,
        "positive_updates": edge.positive_updates,
    }


def _pair_json(stats: PairStats, view: PairView | None) -> dict[str, Any]:
    return {
        "pair": stats.pair,
        "updates": stats.updates,
        "mid": {
            "first": _point(stats.first),
            "last": _point(stats.last),
            "min": _point(stats.low),
            "max": _point(stats.high),
            "time_weighted_mean": _num(stats.time_weighted_mean),
        },
        "buy_hk_sell_us": _edge_json(stats.buy_hk_sell_us, stats.span_ns),
        "buy_us_sell_hk": _edge_json(stats.buy_us_sell_hk, stats.span_ns),
        "final": pair_json(view) if view is not None else None,
    }


def replay_settings(
    path: str | None,
    files: Sequence[str],
    speed: float,
    strict: bool,
    sessions: str | None = None,
) -> Settings:
    """The settings of ``path`` (or ``$DLMON_CONFIG``, or the built-in default) for a replay.

    The file's ``feeds`` and ``recorder`` sections are dropped before ``${VAR}`` expansion
    and validation (a production config replays without its feeds' credentials) and
    one replay feed over ``files`` takes their place. Recordings are real market data, so
    the sessions are the real exchange calendars unless ``sessions`` says otherwise or a
    given config file sets ``sessions.mode`` (the built-in default's demo ``always_open``
    is not used for a replay).
    """
    builtin = path is None and not os.environ.get("DLMON_CONFIG")

    def edit(data: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in data.items() if k not in ("feeds", "recorder")}
        feed = {"type": "replay", "files": list(files), "speed": speed, "strict": strict}
        data["feeds"] = {FEED_NAME: feed}
        mode = sessions or ("exchange" if builtin else None)
        if mode is not None:
            data["sessions"] = {**(data.get("sessions") or {}), "mode": mode}
        return data

    return load(path, edit)


def replay_main(
    files: Sequence[str],
    speed: float,
    config: str | None,
    sessions: str | None,
    series: str | None,
    as_json: bool,
    strict: bool,
    show_progress: bool | None = None,
    bus: BusRange | None = None,
) -> int:
    """Body of ``dlmon replay``: exit 0 when events were replayed, 1 when none were, 2 when
    a file does not exist. With ``bus``, the events of that range of the tick bus are
    replayed (``files`` empty)."""
    import asyncio

    if bus is not None:
        return _replay_bus(bus, speed, config, sessions, series, as_json, strict, show_progress)

    import orjson

    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        print(f"dlmon: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_MISSING_FILE
    configure_replay_logging()
    settings = replay_settings(config, files, speed, strict, sessions)
    out: TextIO | None = None
    try:
        if series is not None:
            out = sys.stdout if series == "-" else Path(series).open("w", encoding="utf-8")
        summary = asyncio.run(
            run_replay(
                settings, files, speed, strict=strict, series=out, show_progress=show_progress
            )
        )
    except BrokenPipeError:  # e.g. `--series - | head`: the reader left, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if out is not None and out is not sys.stdout:
            out.close()
    if as_json:
        sys.stdout.write(orjson.dumps(summary.to_json(), option=orjson.OPT_INDENT_2).decode())
        sys.stdout.write("\n")
    elif series != "-":
        sys.stdout.write(render_text(summary))
    if summary.events == 0:
        print("dlmon: no event was replayed", file=sys.stderr)
        return 1
    return 0


def _replay_bus(bus: BusRange, speed: float, config: str | None, sessions: str | None,
                series: str | None, as_json: bool, strict: bool,
                show_progress: bool | None) -> int:  # fmt: skip
    """Read the range of the stream into a temporary tick file, then replay that file."""
    import asyncio
    import tempfile

    from monitor.recorder.bus_range import read_range, write_ticks

    events = asyncio.run(read_range(bus))
    if not events:
        print(f"dlmon: no event in that range of stream {bus.stream}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="dlmon-replay-") as tmp:
        path = Path(tmp) / f"{bus.stream}.csv"
        write_ticks(events, path)
        return replay_main(
            [str(path)], speed, config, sessions, series, as_json, strict, show_progress
        )


__all__ = ["ReplaySummary", "configure_replay_logging", "render_text", "replay_main", "run_replay"]
