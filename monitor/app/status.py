"""``dlmon status``: the daemon's state in the terminal, read from its HTTP API.

Pairs with their premiums in basis points, each leg with its age and session, the feeds
and the firing alerts; ``--watch`` redraws every second until Ctrl-C. A daemon that does
not answer is one line on stderr (exit 1), or a line in the watched view until it is back.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.errors import MissingExtraError

if TYPE_CHECKING:
    from rich.console import RenderableType

DEFAULT_URL = "http://127.0.0.1:9108"
TIMEOUT_SECONDS = 3.0
EXIT_UNREACHABLE = 1
BASES = (("mid", "mid"), ("buy_hk_sell_us", "buy HK/sell US"), ("buy_us_sell_hk", "buy US/sell HK"))


class Unreachable(Exception):
    """The daemon did not answer (connection refused, timeout, HTTP error, not JSON)."""


@dataclass(frozen=True, slots=True)
class Status:
    """One reading of the daemon's API."""

    url: str
    pairs: list[dict[str, Any]]
    feeds: list[dict[str, Any]]
    alerts: list[dict[str, Any]]


def _get_json(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise Unreachable(f"{url} answered HTTP {exc.code}") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(f"no dlmon daemon at {url} ({reason})") from None


def fetch(url: str) -> Status:
    """Read pairs, feeds and alerts from the daemon at ``url``; raise :class:`Unreachable`."""
    base = url.rstrip("/")
    pairs = _get_json(base + "/api/v1/pairs")
    feeds = _get_json(base + "/api/v1/feeds")
    try:
        alerts = _get_json(base + "/api/v1/alerts")
    except Unreachable:
        alerts = []  # an older daemon without the alerts endpoint
    return Status(base, list(pairs), list(feeds), list(alerts))


def bp(ratio: float | None) -> str:
    """A ratio in basis points, signed, one decimal ("—" when undefined)."""
    return "—" if ratio is None else f"{ratio * 1e4:+.1f} bp"


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.8g}"


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def render(status: Status) -> RenderableType:
    """The whole view as one rich renderable."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    premiums = Table(title=f"dlmon at {status.url}", title_justify="left", expand=False)
    for column in ("pair", "basis", *(label for _, label in BASES), "implied FX", "state"):
        premiums.add_column(column, justify="left" if column in ("pair", "state") else "right")
    legs = Table(title="legs", title_justify="left")
    for column in ("pair", "leg", "bid", "ask", "last", "source", "age", "session"):
        legs.add_column(
            column, justify="right" if column in ("bid", "ask", "last", "age") else "left"
        )
    for pair in status.pairs:
        p = pair["premium"]
        implied = pair.get("implied_fx", p.get("implied_fx"))
        if implied is None and pair["us"]["mid"] and pair["hk"]["mid"]:
            implied = pair["ads_ratio"] * pair["hk"]["mid"] / pair["us"]["mid"]
        state = Text("stale: " + pair["stale_reason"], "yellow") if pair["stale"] else "fresh"
        premiums.add_row(
            pair["pair"], p["basis"], *(bp(p[key]) for key, _ in BASES), _num(implied), state
        )
        for name in ("us", "hk", "fx"):
            leg = pair[name]
            age = Text(_age(leg["age_seconds"]), "yellow" if leg["stale"] else "")
            session = leg["session"] + (" (reference)" if leg["price_kind"] == "reference" else "")
            legs.add_row(
                pair["pair"], leg["instrument"], _num(leg["bid"]), _num(leg["ask"]),
                _num(leg["last"]), leg["source"] or "—", age, session,
            )  # fmt: skip
    feeds = Table(title="feeds", title_justify="left")
    for column in ("feed", "state", "reason", "messages", "reconnects"):
        feeds.add_column(
            column, justify="right" if column in ("messages", "reconnects") else "left"
        )
    for feed in status.feeds:
        style = "" if feed["up"] else "red"
        feeds.add_row(
            Text(feed["feed"], style), Text(feed["state"], style), feed["reason"] or "",
            str(feed["messages_total"]), str(feed["reconnects_total"]),
        )  # fmt: skip
    lines: list[RenderableType] = [premiums, legs, feeds]
    if status.alerts:
        lines.append(Text("firing alerts:", "bold red"))
        for alert in status.alerts:
            subject = f" {alert['pair']}" if alert.get("pair") else ""
            lines.append(
                Text(f"  {alert['severity']} {alert['rule']}{subject}: {alert['summary']}")
            )
    else:
        lines.append(Text("no firing alerts", "green"))
    return Group(*lines)


def status_main(url: str, watch: bool, interval: float = 1.0) -> int:
    """Body of ``dlmon status``: print once, or redraw every ``interval`` s with ``--watch``."""
    try:
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text
    except ImportError:
        raise MissingExtraError("dlmon status", "status") from None
    console = Console()
    if not watch:
        try:
            console.print(render(fetch(url)))
        except Unreachable as exc:
            print(f"dlmon: {exc}", file=sys.stderr)
            return EXIT_UNREACHABLE
        return 0

    def view() -> RenderableType:
        try:
            return render(fetch(url))
        except Unreachable as exc:
            return Text(f"{exc}; retrying every {interval:g} s (Ctrl-C to quit)", "red")

    try:
        if not console.is_terminal:  # piped: one view after the other
            while True:
                console.print(view())
                console.print()
                time.sleep(interval)
        with Live(console=console, auto_refresh=False) as live:
            while True:
                live.update(view(), refresh=True)
                time.sleep(interval)
    except KeyboardInterrupt:
        return 0


__all__ = ["DEFAULT_URL", "Status", "Unreachable", "bp", "fetch", "render", "status_main"]
