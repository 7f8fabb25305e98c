"""``dlmon report FILE... --out DIR``: recorded ticks -> HTML report with PNG charts + CSV.

The files are replayed through the daemon's own pipeline (:func:`monitor.app.replay.
run_replay`: same engine, fees, sessions and staleness) with a
:class:`~monitor.report.sampler.SecondSampler` listening; the charts and the daily series
are drawn from those samples. ``DIR`` gets ``index.html``, one PNG per chart and pair and
``daily.csv``.
"""

from __future__ import annotations

import asyncio
import csv
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from monitor.errors import MissingExtraError

EXIT_MISSING_FILE = 2


def report_main(
    files: Sequence[str],
    out: str,
    config: str | None,
    sessions: str | None,
    events_path: str | None,
    show_progress: bool | None,
) -> int:
    """Body of ``dlmon report``: 0 when written, 1 when nothing was replayed, 2 missing file."""
    missing = [f for f in files if not Path(f).is_file()]
    if missing:
        print(f"dlmon: no such file: {', '.join(missing)}", file=sys.stderr)
        return EXIT_MISSING_FILE
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingExtraError("dlmon report", "report") from None
    from monitor.app.replay import configure_replay_logging, run_replay
    from monitor.report.events import load_events
    from monitor.report.sampler import SecondSampler

    events = load_events(events_path) if events_path else []
    configure_replay_logging()
    settings = report_settings(config, files, sessions)
    samplers: list[SecondSampler] = []

    def sampler(daemon: Any) -> Callable[[Any], None]:
        samplers.append(SecondSampler(daemon.engine))
        return samplers[0]

    summary = asyncio.run(
        run_replay(settings, files, 0.0, listeners=[sampler], show_progress=show_progress)
    )
    if summary.events == 0 or not samplers[0].samples:
        print("dlmon: no premium sample: nothing was replayed for the configured pairs",
              file=sys.stderr)  # fmt: skip
        return 1
    index = write_report(Path(out), samplers[0], events, files, summary.to_json())
    print(f"wrote {index}")
    return 0


def report_settings(config: str | None, files: Sequence[str], sessions: str | None) -> Any:
    """The replay's settings (real exchange sessions by default) without the rolling
    analytics: the report samples the premiums once a second and computes its own."""
    from monitor.app.replay import replay_settings

    settings = replay_settings(config, files, 0.0, False, sessions)
    return settings.model_copy(
        update={"analytics": settings.analytics.model_copy(update={"enabled": False})}
    )


def write_report(
    out: Path,
    sampler: Any,
    events: Sequence[Any],
    files: Sequence[str],
    summary: dict[str, Any],
) -> Path:
    """Charts, ``daily.csv`` and ``index.html`` into ``out``; return the HTML path."""
    from monitor.report import plots
    from monitor.report.html import render_index
    from monitor.report.series import DAILY_COLUMNS, daily, frames

    out.mkdir(parents=True, exist_ok=True)
    pairs = frames(sampler.samples, sampler.trade_rows())
    sections: list[dict[str, Any]] = []
    all_daily: list[dict[str, Any]] = []
    for name, series in pairs.items():
        rows = daily(series)
        all_daily.extend(rows)
        positive = _overall_positive(series)
        slug = "".join(c if c.isalnum() else "_" for c in name)
        charts = [
            plots.premium_chart(series, events, out / f"{slug}_premium.png"),
            plots.distribution_chart(series, out / f"{slug}_distribution.png"),
            plots.edges_chart(series, positive, out / f"{slug}_edges.png"),
            plots.zscore_chart(series, out / f"{slug}_zscore.png"),
            plots.liquidity_chart(series, out / f"{slug}_liquidity.png"),
            plots.share_chart(series, out / f"{slug}_share.png"),
            plots.fx_chart(series, out / f"{slug}_fx.png"),
        ]
        sections.append({"pair": name, "series": series, "daily": rows, "charts": charts})
    with (out / "daily.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(DAILY_COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in all_daily:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    index = out / "index.html"
    index.write_text(render_index(sections, files, summary, events), encoding="utf-8")
    return index


def _overall_positive(series: Any) -> dict[str, float | None]:
    from monitor.report.series import one_per_second
    from monitor.report.stats import positive_share

    return {
        edge: positive_share(one_per_second(series.samples[edge]).to_numpy(dtype=float))
        for edge in ("buy_hk_sell_us", "buy_us_sell_hk")
    }


__all__ = ["report_main", "report_settings", "write_report"]
