"""The cross-sectional ranking as an HTML fragment for the status page (pure)."""

from __future__ import annotations

from html import escape

from monitor.core.snapshot import MarketSnapshot
from monitor.expose.api_universe import ranking_json


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.2f} %"


def _z(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def ranking_html(snapshot: MarketSnapshot, top: int = 5) -> str:
    """Richest and cheapest pairs, positive edges after costs and the index, as HTML."""
    ranking = ranking_json(snapshot, top)
    parts = ["<h2>Ranking</h2>"]
    index = ranking["index"]
    if index is not None and index["value"] is not None:
        parts.append(
            f"<p>Premium index {escape(index['index'])}: <b>{index['value']:.2f}</b>"
            f" ({_pct(index['premium'])}; 100 = parity, {index['included']} constituents)</p>"
        )
    for title, key in (("Richest ADS", "richest"), ("Cheapest ADS", "cheapest")):
        rows = "".join(
            f"<tr><td>{escape(r['pair'])}</td><td>{_pct(r['premium'])}</td>"
            f"<td>{_z(r['zscore'])}</td></tr>"
            for r in ranking[key]
        )
        parts.append(
            f"<h3>{title}</h3><table><tr><th>pair</th><th>mid premium</th><th>z-score</th></tr>"
            f"{rows}</table>"
        )
    edges = "".join(
        f"<tr><td>{escape(e['pair'])}</td><td>{escape(e['direction'])}</td>"
        f"<td>{_pct(e['edge'])}</td></tr>"
        for e in ranking["positive_edges"]
    )
    parts.append(
        "<h3>Edges positive after costs</h3>"
        + (
            f"<table><tr><th>pair</th><th>direction</th><th>edge</th></tr>{edges}</table>"
            if edges
            else "<p>none</p>"
        )
    )
    return "\n".join(parts)
