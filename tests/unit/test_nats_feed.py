"""The `nats` feed's health: connected, the gateway's note says up, and the note is young."""

from __future__ import annotations

from pathlib import Path

from monitor.app.build import build_feeds, build_pairs, load
from monitor.bus.encoding import HealthNote
from monitor.core.sessions import SessionCalendar
from monitor.feeds.base import FeedContext, FeedHealth, FeedSpec, FeedState
from monitor.feeds.nats.client import NatsFeed
from monitor.feeds.nats.config import NatsOptions
from tests.support.builders import T0

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "examples" / "nats.yaml"
S = 1_000_000_000


def feed(now: list[int], **options: object) -> NatsFeed:
    spec = FeedSpec("polygon", "nats", 10, ["PONY", "2026.HK"], {}, 30.0)
    ctx = FeedContext(lambda e: None, lambda: now[0], SessionCalendar("always_open"),
                      FeedHealth("polygon"))  # fmt: skip
    return NatsFeed(spec, NatsOptions.model_validate(options), ctx)


def test_the_feed_is_up_only_while_the_gateways_note_is_up_and_young() -> None:
    now = [T0]
    f = feed(now, gateway_silence_seconds=5)
    f.judge()
    assert f.health.state is FeedState.BACKOFF
    assert f.health.reason == "no health note from gateway feed polygon"
    f.upstream = HealthNote("polygon", "streaming", "", T0, 10)
    f.judge()
    assert f.health.up
    f.upstream = HealthNote("polygon", "fatal", "HTTP 401", T0 + S, 10)
    f.judge()
    assert f.health.reason == "gateway feed polygon is fatal: HTTP 401"
    now[0] = T0 + 7 * S
    f.judge()
    assert f.health.reason == "gateway silent for 6s (polygon)"


def test_subjects_are_the_instruments_and_health_of_the_source() -> None:
    f = feed([T0], source="poly-1", subject_prefix="desk")
    assert f.subjects == ["desk.ticks.poly-1.2026_HK", "desk.ticks.poly-1.PONY",
                          "desk.health.poly-1"]  # fmt: skip


def test_the_example_builds_one_nats_feed_per_gateway_feed() -> None:
    settings = load(EXAMPLE)
    pairs = build_pairs(settings)
    feeds = build_feeds(settings, pairs, lambda e: None, lambda: T0, SessionCalendar("exchange"))
    assert all(isinstance(f, NatsFeed) for f in feeds)
    sources = {f.name: f.source for f in feeds if isinstance(f, NatsFeed)}
    assert sources == {"polygon": "polygon", "alpaca": "alpaca", "fx": "oanda", "hk": "futu"}


def test_check_config_masks_a_password_in_a_bus_url(tmp_path: Path) -> None:
    from monitor.app.build import redacted

    path = tmp_path / "bus.yaml"
    path.write_text(
        "pairs: {PONY: {}}\n"
        "feeds: {sim: {type: nats, url: 'nats://ops:pa55@a:4222,nats://b:4222'}}\n"
        "bus: {url: 'nats://ops:pa55@a:4222', token: abc}\n"
    )
    shown = str(redacted(load(path)))
    assert "pa55" not in shown and "abc" not in shown
    assert "nats://**********@a:4222" in shown and "nats://b:4222" in shown
