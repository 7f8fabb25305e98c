"""``GET /metrics`` without stalling the event loop.

prometheus_client's aiohttp handler collects and encodes the whole registry in one call on
the loop; with hundreds of pairs that is over a hundred milliseconds during which no quote
is read. This handler collects the live collectors' families on the loop, yielding
between their groups (every collector computes a group in one step,
``monitor.scrape.guarded``, so none is suspended in the middle of reading live state).
The families of ``offloop`` collectors (built from the immutable shared snapshot) are
collected in a worker thread, and all of them are encoded there: collected families are
plain data. The output is what prometheus_client produces for the same families, in
either text format it negotiates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector, CollectorRegistry

SAMPLES_PER_YIELD = 2000
OPENMETRICS_EOF = b"# EOF\n"


class _Families(Collector):
    """A collector over a fixed list of families (one batch to encode)."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


def make_metrics_handler(
    registry: CollectorRegistry,
    offloop: CollectorRegistry | None = None,
    samples_per_yield: int = SAMPLES_PER_YIELD,
) -> Handler:
    """An aiohttp handler serving ``registry`` and ``offloop`` (see the module docstring)."""

    async def metrics(request: web.Request) -> web.Response:
        accept = ",".join(request.headers.getall(hdrs.ACCEPT, []))
        encoder, content_type = choose_encoder(accept)
        names = request.query.getall("name[]", [])
        source = registry.restricted_registry(names) if names else registry
        heavy: Collector | None = None
        if offloop is not None:
            heavy = offloop.restricted_registry(names) if names else offloop
        families: list[Metric] = []
        samples = 0
        for family in source.collect():
            families.append(family)
            samples += len(family.samples)
            if samples >= samples_per_yield:
                samples = 0
                await asyncio.sleep(0)
        body = await asyncio.to_thread(_collect_and_encode, encoder, heavy, families)
        if content_type.startswith("application/openmetrics-text"):
            body += OPENMETRICS_EOF
        response = web.Response(body=body, headers={"Content-Type": content_type})
        response.enable_compression()
        return response

    return metrics


def _collect_and_encode(
    encoder: Callable[[Collector], bytes], heavy: Collector | None, families: list[Metric]
) -> bytes:
    """In the worker thread: the ``heavy`` collectors' families, then every family encoded."""
    collected = list(heavy.collect()) if heavy is not None else []
    return encoder(_Families(collected + families)).removesuffix(OPENMETRICS_EOF)


__all__ = ["SAMPLES_PER_YIELD", "make_metrics_handler"]
