"""``GET /metrics`` without stalling the event loop.

prometheus_client's aiohttp handler encodes the whole registry in one call on the loop;
with hundreds of pairs that is tens of milliseconds during which no quote is read. This
handler asks the registry for its families lazily and encodes them in batches of about
``SAMPLES_PER_YIELD`` samples, yielding to the loop between batches. Every collector
computes each group of families in one step (``monitor.scrape.guarded``), so no
collector is suspended in the middle of reading live state. The output is byte for byte
what prometheus_client would produce, in either text format it negotiates.
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
    registry: CollectorRegistry, samples_per_yield: int = SAMPLES_PER_YIELD
) -> Handler:
    """An aiohttp handler serving ``registry`` in batches (see the module docstring)."""

    async def metrics(request: web.Request) -> web.Response:
        accept = ",".join(request.headers.getall(hdrs.ACCEPT, []))
        encoder, content_type = choose_encoder(accept)
        names = request.query.getall("name[]", [])
        source = registry.restricted_registry(names) if names else registry
        parts: list[bytes] = []
        batch: list[Metric] = []
        samples = 0
        for family in source.collect():
            batch.append(family)
            samples += len(family.samples)
            if samples >= samples_per_yield:
                parts.append(_encode(encoder, batch))
                batch, samples = [], 0
                await asyncio.sleep(0)
        parts.append(_encode(encoder, batch))
        if content_type.startswith("application/openmetrics-text"):
            parts.append(OPENMETRICS_EOF)
        response = web.Response(body=b"".join(parts), headers={"Content-Type": content_type})
        response.enable_compression()
        return response

    return metrics


def _encode(encoder: Callable[[Collector], bytes], batch: list[Metric]) -> bytes:
    return encoder(_Families(batch)).removesuffix(OPENMETRICS_EOF)


__all__ = ["SAMPLES_PER_YIELD", "make_metrics_handler"]
