"""``GET /metrics`` without stalling the event loop.

prometheus_client's aiohttp handler collects and encodes the whole registry in one call on
the loop; with hundreds of pairs that is over a hundred milliseconds during which no quote
is read. This handler collects and encodes one family group at a time and yields to the
loop whenever a time slice is spent (every collector computes a group in one step,
``monitor.scrape.guarded``, so none is suspended in the middle of reading live state).
Everything stays on the loop: a worker thread would hold the GIL for tens of milliseconds
against it. The market families (built from the shared snapshot, in steps of a few pairs)
come first. The text is what prometheus_client produces for the same families
(``exposition.Writer``), in either text format it negotiates, streamed as it is written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import CollectorRegistry

from monitor.expose.exposition import OPENMETRICS_EOF, Encoder, Writer
from monitor.expose.market_text import MarketText
from monitor.expose.streamed import send_streamed
from monitor.slices import TimeSlice, serving


def make_metrics_handler(registry: CollectorRegistry, market: MarketText | None = None) -> Handler:
    """An aiohttp handler serving ``market`` then ``registry`` (see the module docstring)."""

    async def metrics(request: web.Request) -> web.StreamResponse:
        with serving():  # the market clock and alert rounds wait for the scrape
            return await _scrape(request, registry, market)

    return metrics


async def _scrape(
    request: web.Request, registry: CollectorRegistry, market: MarketText | None
) -> web.StreamResponse:
    accept = ",".join(request.headers.getall(hdrs.ACCEPT, []))
    encoder, content_type = choose_encoder(accept)
    names = request.query.getall("name[]", [])
    slice_ = TimeSlice()

    async def text() -> AsyncIterator[bytes]:  # not run for a HEAD request
        written, families = await _market(market, encoder, names, slice_)
        for chunk in written:
            yield chunk
            await slice_.pause()
        writer = Writer(encoder)
        for family in families:
            kept = _restricted(family, set(names)) if names else family
            for part in writer.parts(kept) if kept is not None else ():
                yield part.encode("utf-8")
                await slice_.pause()
        for family in (registry.restricted_registry(names) if names else registry).collect():
            for part in writer.parts(family):
                yield part.encode("utf-8")
                await slice_.pause()
        if content_type.startswith("application/openmetrics-text"):
            yield OPENMETRICS_EOF.encode()

    response = web.StreamResponse(headers={"Content-Type": content_type})
    return await send_streamed(request, response, text(), compress=True)


async def _market(
    market: MarketText | None, encoder: Encoder, names: list[str], slice_: TimeSlice
) -> tuple[list[bytes], list[Metric]]:
    """The market families: the snapshot's shared text and the live families to write, or
    (``?name[]=``) all of them to write."""
    if market is None:
        return [], []
    if not names:
        return await market.text(encoder, slice_), market.collector.live_families()
    families: list[Metric] = []
    for step in market.steps():
        if step is None:
            await slice_.pause()
        else:
            families = step
    return [], families


def _restricted(family: Metric, names: set[str]) -> Metric | None:
    """The family's samples named in ``names`` (None if none), as ``?name[]=`` asks: what a
    restricted registry does (prometheus_client's own method, untyped there)."""
    restrict: Callable[[set[str]], Metric | None] = family._restricted_metric
    return restrict(names)


__all__ = ["make_metrics_handler"]
