"""MarketText: one writing of a snapshot's market families, shared by its scrapes, and
written ahead while every snapshot is scraped."""

from __future__ import annotations

from prometheus_client.exposition import choose_encoder

from monitor.core.events import Quote
from monitor.core.snapshot import MarketSnapshot
from monitor.expose.exposition import Writer
from monitor.expose.market_text import MarketText
from monitor.expose.metrics.market import MarketCollector
from monitor.slices import TimeSlice
from tests.support.analytics import make_engine, run_to, synthetic_events

TEXT, _ = choose_encoder("")
OPENMETRICS, _ = choose_encoder("application/openmetrics-text;version=1.0.0")
S = 10**9


class Published:
    """A market clock's published snapshot, moved on by hand."""

    def __init__(self) -> None:
        self.engine = make_engine()
        self.rows = synthetic_events(3, 2000)
        self.now = self.rows[-1]["ts"] + S
        run_to(self.engine, self.rows, 0, self.now)
        self.latest = self.engine.snapshot(self.now)

    def __call__(self) -> MarketSnapshot:
        return self.latest

    def next(self) -> MarketSnapshot:
        self.now += S
        self.engine.advance(self.now)
        self.latest = self.engine.snapshot(self.now)
        return self.latest


def written(collector: MarketCollector, snapshot: MarketSnapshot, encoder: object) -> bytes:
    families = list(collector.snapshot_steps(snapshot))[-1]
    assert families is not None
    writer = Writer(encoder)  # type: ignore[arg-type]
    return b"".join(part.encode() for family in families for part in writer.parts(family))


async def test_the_scrapes_of_one_snapshot_share_one_writing_per_format() -> None:
    published = Published()
    collector = MarketCollector(published.engine, published)
    text = MarketText(collector, published)
    first = b"".join((await text.text(TEXT, TimeSlice())).text)
    assert first == written(collector, published.latest, TEXT)
    assert b'dlmon_premium_ratio{basis="mid",pair="PONY"}' in first
    assert b"".join((await text.text(TEXT, TimeSlice())).text) == first
    assert text.texts.built == 1
    om = b"".join((await text.text(OPENMETRICS, TimeSlice())).text)
    assert om == written(collector, published.latest, OPENMETRICS) and text.texts.built == 2
    published.next()  # a new snapshot is written anew
    assert b"".join((await text.text(TEXT, TimeSlice())).text) == written(
        collector, published.latest, TEXT
    )
    assert text.texts.built == 3


async def test_text_is_written_ahead_while_snapshots_are_scraped() -> None:
    published = Published()
    text = MarketText(MarketCollector(published.engine, published), published)
    await text.prepare(published.next(), TimeSlice())  # never scraped: nothing ahead
    assert text.texts.built == 0
    await text.text(TEXT, TimeSlice())  # a scrape: the next snapshots are written ahead
    for _ in range(3):
        await text.prepare(published.next(), TimeSlice())
        before = text.texts.built
        await text.text(TEXT, TimeSlice())  # the published snapshot's text is ready
        assert text.texts.built == before
    await text.prepare(published.next(), TimeSlice())  # a snapshot no scrape reads
    await text.prepare(published.next(), TimeSlice())  # one after it is written still
    quiet = text.texts.built
    for _ in range(3):  # then, without scrapes (a 15 s interval), nothing more
        await text.prepare(published.next(), TimeSlice())
    assert text.texts.built == quiet


async def test_a_text_written_from_a_replaced_snapshot_is_not_kept() -> None:
    published = Published()
    text = MarketText(MarketCollector(published.engine, published), published)
    old = published.latest
    for _ in range(2):
        await text.text(TEXT, TimeSlice())
        await text.prepare(published.next(), TimeSlice())
    newest = published.latest
    await text.prepare(old, TimeSlice())  # a slow writing of an older snapshot ends late
    assert b"".join((await text.text(TEXT, TimeSlice())).text) == written(
        text.collector, newest, TEXT
    )


def test_the_live_families_are_read_at_each_call() -> None:
    published = Published()
    collector = MarketCollector(published.engine, published)
    before = {s.labels.get("reason") for f in collector.live_families() for s in f.samples}
    bad = Quote("PONY", 5.0, 100, 4.0, 100, published.now, published.now, "a")  # crossed
    assert not published.engine.on_event(bad)
    after = {s.labels.get("reason") for f in collector.live_families() for s in f.samples}
    assert after - before  # the new reject shows although the snapshot did not change
