"""Number formatting for messages a trader reads in two seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

NS = 1_000_000_000


def pct_bp(ratio: float | None) -> str:
    """``0.0235`` -> ``+2.35 % (+235 bp)``."""
    if ratio is None:
        return "n/a"
    return f"{ratio * 100:+.2f} % ({ratio * 10_000:+.0f} bp)"


def pct(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio * 100:+.2f} %"


def bp(ratio: float | None) -> str:
    return "n/a" if ratio is None else f"{ratio * 10_000:.1f} bp"


def duration(seconds: float) -> str:
    """``75`` -> ``1 min 15 s``; short and unambiguous."""
    seconds = max(0.0, seconds)
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def age(ts_ns: int | None, now_ns: int) -> str:
    return "no data" if ts_ns is None else f"age {duration((now_ns - ts_ns) / NS)}"


def price(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.4f}" if abs(value) < 10 else f"{value:,.2f}"


def usd(value: float | None) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 1e6:
        return f"${value / 1e6:.2f}M"
    if abs(value) >= 1e3:
        return f"${value / 1e3:.0f}k"
    return f"${value:.0f}"


HKT = timezone(timedelta(hours=8), "HKT")  # Hong Kong: UTC+8 all year (no summer time)


def clock(ts_ns: int) -> str:
    """``2026-11-22 02:13:05 UTC / 10:13:05 HKT`` (HKT with its date when that differs)."""
    utc = datetime.fromtimestamp(ts_ns / NS, tz=UTC)
    hkt = utc.astimezone(HKT)
    local = hkt.strftime("%H:%M:%S HKT" if hkt.date() == utc.date() else "%Y-%m-%d %H:%M:%S HKT")
    return f"{utc.strftime('%Y-%m-%d %H:%M:%S UTC')} / {local}"


def iso(ts_ns: int) -> str:
    return datetime.fromtimestamp(ts_ns / NS, tz=UTC).isoformat(timespec="milliseconds")
