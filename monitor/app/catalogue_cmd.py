"""``dlmon pairs [--json]``: the built-in catalogue with dated ratios, sources and grades."""

from __future__ import annotations

from typing import Any

import orjson

from monitor.app.build import ratio_row
from monitor.core.catalogue import ListedPair, catalogue

LEGEND = (
    "ratio = HK ordinary shares per ADS (since: in force from); lot = HKEX board lot;"
    " src: V primary source, S secondary, U unconfirmed (a U ratio needs ads_ratio in"
    " the config); level = rough HK price (HKD) the simulator starts from"
)


def listed_json(p: ListedPair) -> dict[str, Any]:
    """One catalogue entry as plain data: every dated ratio with its source and grade."""
    return {
        "pair": p.name,
        "company": p.company,
        "us": p.us,
        "us_venue": p.us_venue,
        "hk": p.hk,
        "ads_ratio": p.ratio,
        "ratio_from": p.ratio_from.isoformat() if p.ratio_from else None,
        "ratio_source": p.source or None,
        "ratio_grade": p.confidence or None,
        "ratio_unconfirmed": p.ratio_unconfirmed,
        "ratio_history": [ratio_row(r) for r in p.ratios()],
        "hk_lot": p.hk_lot,
        "hk_lot_grade": p.lot_confidence or None,
        "hk_lot_source": p.lot_source or None,
        "same_share": p.same_share,
        "hk_ref_price": p.hk_ref_price,
    }


def catalogue_json() -> list[dict[str, Any]]:
    return [listed_json(p) for p in catalogue().values()]


def catalogue_text() -> str:
    """The table, then each pair's ratio sources and earlier ratios."""
    lines = [
        f"{'pair':<7} {'US':<7} {'venue':<6} {'HK':<9} {'ratio':>5}  {'src':<3} "
        f"{'since':<10} {'lot':>5} {'src':<3} {'level':>6} company"
    ]
    notes: list[str] = []
    for p in catalogue().values():
        since = p.ratio_from.isoformat() if p.ratio_from else "-"
        level = f"{p.hk_ref_price:g}" if p.hk_ref_price else "-"
        lines.append(
            f"{p.name:<7} {p.us:<7} {p.us_venue:<6} {p.hk:<9} {p.ratio:>5g}  "
            f"{p.confidence or '-':<3} {since:<10} {p.hk_lot:>5} {p.lot_confidence or '-':<3} "
            f"{level:>6} {p.company}"
        )
        for record in p.ratios():
            if record.source or len(p.ratios()) > 1:
                start = record.effective_from.isoformat() if record.effective_from else "-"
                notes.append(
                    f"  {p.name}: {record.ratio:g} from {start} [{record.grade or '-'}]"
                    f" {record.source or '(no source)'}"
                )
    lines.append(LEGEND)
    if notes:
        lines += ["ratio sources:", *notes]
    return "\n".join(lines) + "\n"


def print_catalogue(as_json: bool) -> int:
    """Print the catalogue (``as_json``: a JSON list); return the exit code."""
    if as_json:
        print(orjson.dumps(catalogue_json(), option=orjson.OPT_INDENT_2).decode())
    else:
        print(catalogue_text(), end="")
    return 0
