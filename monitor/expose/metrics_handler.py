"""``GET /metrics`` without stalling the event loop.

prometheus_client's aiohttp handler collects and encodes the whole registry in one call on
the loop; with hundreds of pairs that is over a hundred milliseconds during which no quote
is read. This handler collects and encodes one family group at a time and yields to the
loop whenever a time slice is spent (every collector computes a group in one step,
``monitor.scrape.guarded``, so none is suspended in the middle of reading live state).
Everything stays on the loop: a worker thread would hold the GIL for tens of milliseconds
against it. The market families come first: the published snapshot's text, written once
per snapshot and format (``market_text``) and, for a gzip scrape, deflated once
(``gzipped``); then the engine's live counters and the registry's collectors, written per
scrape. The text is what prometheus_client produces for the same families
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
from monitor.expose.gzipped import Deflated, GzipStream, accepts_gzip
from monitor.expose.market_text import MarketText, stepped
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
    # The market text of the snapshot, shared (and deflated once for gzip), unless filtered.
    shared = market if not names else None
    gzip = shared is not None and accepts_gzip(request.headers.get(hdrs.ACCEPT_ENCODING, ""))
    openmetrics = content_type.startswith("application/openmetrics-text")

    async def body() -> AsyncIterator[bytes]:  # not run for a HEAD request
        if shared is None:
            # a filtered scrape (``?name[]=``): every market family, written here
            families = [] if market is None else await stepped(market.collector.steps(), slice_)
            async for part in _rest(families, registry, names, encoder, openmetrics, slice_):
                yield part
            return
        written = await shared.text(encoder, slice_, gzip=gzip)
        rest = _rest(shared.collector.live_families(), registry, [], encoder, openmetrics, slice_)
        if gzip and written.deflated is not None:
            async for chunk in _gzipped(written.deflated, rest):
                yield chunk
            return
        for chunk in written.text:
            yield chunk
            await slice_.pause()
        async for part in rest:
            yield part

    headers = {"Content-Type": content_type}
    if gzip:  # deflated here, in part ahead (monitor.expose.gzipped)
        headers |= {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    response = web.StreamResponse(headers=headers)
    return await send_streamed(request, response, body(), compress=not gzip)


async def _rest(
    families: list[Metric],
    registry: CollectorRegistry,
    names: list[str],
    encoder: Encoder,
    openmetrics: bool,
    slice_: TimeSlice,
) -> AsyncIterator[bytes]:
    """``families`` and then the registry's, written by ``encoder`` (``names``: only those)."""
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
    if openmetrics:
        yield OPENMETRICS_EOF.encode()


async def _gzipped(ahead: Deflated, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """One gzip stream: ``ahead`` (deflated already), then ``rest`` deflated here."""
    stream = GzipStream()
    for chunk in stream.start(ahead):
        yield chunk
    async for part in rest:
        if chunk := stream.add(part):
            yield chunk
    yield stream.end()


def _restricted(family: Metric, names: set[str]) -> Metric | None:
    """The family's samples named in ``names`` (None if none), as ``?name[]=`` asks: what a
    restricted registry does (prometheus_client's own method, untyped there)."""
    restrict: Callable[[set[str]], Metric | None] = family._restricted_metric
    return restrict(names)


__all__ = ["make_metrics_handler"]
