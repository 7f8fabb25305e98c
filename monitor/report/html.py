"""The report's ``index.html``: one self-contained page (inline CSS) with the PNG charts."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from monitor import __version__

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1040px;padding:12px;
color:#1d232b}h1{font-size:20px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde2e7}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:13px}
td,th{padding:3px 8px;border-bottom:1px solid #dde2e7;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}.scroll{overflow-x:auto}img{max-width:100%;
height:auto;display:block;margin:10px 0}.muted{color:#6b7480}"""

DAILY_HEADERS = (
    ("date", "day (UTC)"), ("seconds", "seconds"), ("live_basis_share", "live basis"),
    ("mid_mean_bp", "mid mean"),
    ("mid_min_bp", "mid min"), ("mid_max_bp", "mid max"),
    ("buy_hk_sell_us_best_bp", "HK→US best"), ("buy_hk_sell_us_positive_share", "HK→US > 0"),
    ("buy_us_sell_hk_best_bp", "US→HK best"), ("buy_us_sell_hk_positive_share", "US→HK > 0"),
    ("half_life_seconds", "half-life s"), ("us_turnover_usd", "US value"),
    ("hk_turnover_usd", "HK value"), ("hk_turnover_share", "HK share"),
    ("us_spread_median_bp", "US spread"), ("hk_spread_median_bp", "HK spread"),
    ("fx_mean", "FX"), ("implied_fx_mean", "implied FX"),
)  # fmt: skip


def _cell(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key.endswith("_share"):
        return f"{value:.1%}"
    if key.endswith("_bp"):
        return f"{value:+.1f} bp"
    if key.endswith("_usd"):
        return f"${value:,.0f}"
    if key.endswith("fx_mean"):
        return f"{value:.4f}"
    if key == "half_life_seconds":
        return f"{value:.0f}"
    return html.escape(str(value))


def _daily_table(rows: Sequence[dict[str, Any]]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in DAILY_HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(k, row[k])}</td>" for k, _ in DAILY_HEADERS) + "</tr>"
        for row in rows
    )
    return f'<div class="scroll"><table><tr>{head}</tr>{body}</table></div>'


def render_index(
    sections: Sequence[dict[str, Any]],
    files: Sequence[str],
    summary: dict[str, Any],
    events: Sequence[Any],
) -> str:
    """The whole page."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>dlmon report</title><style>{STYLE}</style></head><body>",
        "<h1>dlmon report</h1>",
        f"<p class='muted'>{len(files)} file(s): {html.escape(', '.join(files))}<br>",
        f"recorded {html.escape(str(summary.get('first_ts')))} .. "
        f"{html.escape(str(summary.get('last_ts')))}; {summary.get('events', 0):,} events, "
        f"{summary.get('accepted', 0):,} accepted, {summary.get('malformed_rows', 0):,} "
        f"malformed rows; dlmon {__version__}. Premiums in basis points of the US line over "
        "the HK line, computed by the daemon's own engine at each recorded second; edges net "
        "of costs; a <i>reference</i> basis (one venue closed: its last close) is not a tradable "
        "price. Shaded: each venue's sessions. Times in UTC. Daily series: "
        "<a href='daily.csv'>daily.csv</a>.</p>",
    ]
    if events:
        items = "".join(
            f"<li>{e.when:%Y-%m-%d %H:%M} {html.escape(e.label)}"
            f"{' (' + html.escape(e.pair) + ')' if e.pair else ''}</li>"
            for e in events
        )
        parts.append(
            f"<details><summary>{len(events)} event(s)</summary><ul>{items}</ul></details>"
        )
    for section in sections:
        pair = html.escape(section["pair"])
        parts.append(f"<h2 id='{pair}'>{pair}</h2>")
        parts.append(_daily_table(section["daily"]))
        for chart in section["charts"]:
            name = Path(chart).name
            alt = name.removesuffix(".png").replace("_", " ")
            parts.append(f"<img src='{html.escape(name)}' alt='{html.escape(alt)}'>")
    parts.append("</body></html>\n")
    return "".join(parts)


__all__ = ["render_index"]
