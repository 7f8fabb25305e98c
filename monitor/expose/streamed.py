"""Responses written as they are produced (large ones: ``/metrics``, ``/api/v1/pairs``).

The body goes out part by part, so no multi-megabyte copy is made on the event loop. A
``HEAD`` request gets the headers only, and a client that goes away before the end (a
scrape timeout, ``curl -I``) ends the response quietly: nothing is left to send it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import structlog
from aiohttp import hdrs, web

log = structlog.get_logger(__name__)


async def send_streamed(
    request: web.Request,
    response: web.StreamResponse,
    parts: AsyncIterator[bytes],
    compress: bool = False,
) -> web.StreamResponse:
    """Send ``response`` with ``parts`` as its body, each written as it comes (``compress``:
    as the client accepts)."""
    if request.method == hdrs.METH_HEAD:
        await response.prepare(request)
        return response
    if compress:
        response.enable_compression()
    await response.prepare(request)
    try:
        async for part in parts:
            await response.write(part)
        await response.write_eof()
    except ConnectionResetError:  # the client left: nobody to send the rest to
        log.debug("client_gone", path=request.path)
    return response


__all__ = ["send_streamed"]
