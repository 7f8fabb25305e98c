"""Turn a transition into a :class:`Notice` a trader reads in two seconds (pure)."""

from __future__ import annotations

from monitor.alerts.evaluator import Transition
from monitor.alerts.model import TransitionKind
from monitor.alerts.text import NS, age, clock, duration, pct, pct_bp, price
from monitor.core.snapshot import LegView, PairView
from monitor.notify.models import Notice, Status


def leg_line(label: str, leg: LegView, now_ns: int) -> str:
    """``US PONY 18.02 / 18.05 · age 1.2 s · regular``."""
    if leg.bid is not None and leg.ask is not None:
        quote = f"{price(leg.bid)} / {price(leg.ask)}"
    else:
        quote = f"last {price(leg.last if leg.last is not None else leg.mid)}"
    ts = leg.ts_event if leg.ts_event is not None else leg.ts_recv
    flags = " · STALE" if leg.stale else ""
    return f"{label} {leg.instrument} {quote} · {age(ts, now_ns)} · {leg.session}{flags}"


def context_lines(view: PairView, now_ns: int) -> list[str]:
    """Both legs with their ages, FX, and the three premium bases."""
    p = view.premium
    return [
        leg_line("US", view.us, now_ns),
        leg_line("HK", view.hk, now_ns),
        leg_line("FX", view.fx, now_ns),
        f"Premium mid {pct_bp(p.mid)} · net buy HK/sell US {pct(p.buy_hk_sell_us)}"
        f" · net buy US/sell HK {pct(p.buy_us_sell_hk)} · {view.basis}",
    ]


def dashboard_link(template: str | None, pair: str) -> str | None:
    """The configured dashboard URL; ``{pair}`` in it is replaced by the pair."""
    if not template:
        return None
    return template.replace("{pair}", pair)


def to_notice(
    t: Transition, dashboard_url: str | None = None, status_url: str | None = None
) -> Notice:
    """Render ``t`` as a notice (firing, repeat or resolved)."""
    obs = t.observation
    prefix = f"{obs.pair} · {t.rule}" if obs.pair else t.rule
    resolved = t.kind is TransitionKind.RESOLVED
    if resolved:
        title = f"{prefix}: {obs.text}, {obs.clear_text}"
        timing = f"Fired {clock(t.firing_since)}, lasted {duration((t.at - t.active_since) / NS)}"
    elif t.stale:  # never page "n/a": say the input is stale and show the last value
        last = t.last_known
        seen = f"last {last.text}" if last is not None else "no value since the restart"
        title = f"{prefix}: input stale, {seen} ({obs.trigger})"
        timing = f"Since {clock(t.active_since)} ({duration((t.at - t.active_since) / NS)})"
        timing = f"Still firing, input stale · {timing}"
    else:
        title = f"{prefix}: {obs.text} {obs.trigger}"
        timing = f"Since {clock(t.active_since)} ({duration((t.at - t.active_since) / NS)})"
        if t.kind is TransitionKind.REPEAT:
            timing = f"Still firing · {timing}"
    lines = context_lines(t.pair_view, t.at) if t.pair_view is not None else []
    if t.orphaned:
        lines.append(f"Resolved without a clear value: {t.orphaned}")
    lines.append(timing)
    for key, text in t.annotations.items():
        if key != "runbook_url":
            lines.append(f"{key.replace('_', ' ').capitalize()}: {text}")
    if t.annotations.get("runbook_url"):
        lines.append(f"Runbook: {t.annotations['runbook_url']}")
    if status_url:
        lines.append(f"Status: {status_url}")
    return Notice(
        key=t.key,
        fingerprint=t.fingerprint,
        status=Status.RESOLVED if resolved else Status.FIRING,
        rule=t.rule,
        pair=obs.pair,
        severity=t.severity,
        title=title,
        lines=tuple(lines),
        labels=dict(t.labels),
        annotations={
            **t.annotations,
            "value": "" if obs.value is None or t.stale else repr(obs.value),
            "threshold": repr(obs.threshold),
            "subject": obs.subject,
        },
        starts_at_ns=t.active_since,
        ends_at_ns=t.at if resolved else None,
        created_ns=t.at,
        url=dashboard_link(dashboard_url, obs.pair),
    )
