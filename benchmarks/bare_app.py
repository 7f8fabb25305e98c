"""The baseline HTTP app of the benchmarks: a bare aiohttp app (run as a child process).

* ``/readyz``: ``{"ready": true}`` (start-up baseline: interpreter + aiohttp + bind);
* ``/blob?bytes=N``: N pre-built bytes (the cost of serving a body of dlmon's size);
* ``/lag``: with ``--probe``, the same 10 ms loop-lag probe as dlmon's, in the
  Prometheus text format of ``dlmon_event_loop_lag_seconds`` (an idle loop's lag).

    python benchmarks/bare_app.py --port P [--probe]
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from aiohttp import web

BLOBS: dict[int, bytes] = {}


async def readyz(request: web.Request) -> web.Response:
    return web.json_response({"ready": True})


async def blob(request: web.Request) -> web.Response:
    size = int(request.query.get("bytes", "0"))
    if size not in BLOBS:
        BLOBS[size] = (b"x" * 79 + b"\n") * (size // 80) + b"x" * (size % 80)
    return web.Response(body=BLOBS[size], content_type="text/plain")


async def serve(port: int, probe: bool) -> None:
    app = web.Application()
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/blob", blob)
    tasks = []
    if probe:
        from monitor.app.loop_lag import LoopLagProbe  # light: asyncio and bisect

        lag = LoopLagProbe()

        async def exposition(request: web.Request) -> web.Response:
            lines = [
                f'dlmon_event_loop_lag_seconds_bucket{{le="{le}"}} {count}'
                for le, count in lag.histogram.buckets()
            ]
            return web.Response(text="\n".join(lines).replace('"inf"', '"+Inf"') + "\n")

        app.router.add_get("/lag", exposition)
        tasks.append(asyncio.create_task(lag.run()))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for task in tasks:
        task.cancel()
    await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--probe", action="store_true")
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.probe))
