"""A minimal Polygon stocks websocket server for the benchmarks (run as a child process).

Speaks the Polygon control sequence (connected -> auth_success -> subscribe success), then
streams pre-encoded quote frames for ``PONY`` as the connection URL asks:

* ``/stocks?mode=burst&frames=N&per=K``: N frames of K quotes, as fast as it can,
  ``delay`` seconds after the subscription (so that the client can note its CPU first);
* ``/stocks?mode=paced&frames=N&per=K&rate=F&log=PATH``: N frames of K quotes at F frames
  a second; the wall-clock send time (``time.time_ns``) of each frame is written to PATH
  (int64 array) when done, for sender -> client latency.

Every connection gets the same frames, so that dlmon and the bare-client floor read
byte-identical input.

    python benchmarks/polygon_server.py --port P
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import time
from array import array
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
from websockets.asyncio.server import ServerConnection, serve

FRAME_CACHE: dict[tuple[int, int], list[str]] = {}


def quote_frames(frames: int, per: int, seed: int = 11) -> list[str]:
    """``frames`` JSON frames of ``per`` realistic PONY quotes, timestamps in the past."""
    key = (frames, per)
    if key not in FRAME_CACHE:
        rng = random.Random(seed)
        mid, t_ms, seq, out = 18.43, int(time.time() * 1000) - 3_600_000, 0, []
        for _ in range(frames):
            items = []
            for _ in range(per):
                mid = max(1.0, mid + rng.choice((-0.01, 0.0, 0.0, 0.01)))
                half = rng.choice((0.005, 0.01, 0.015))
                seq += 1
                t_ms += rng.choice((0, 1))
                items.append(
                    {
                        "ev": "Q",
                        "sym": "PONY",
                        "bx": 12,
                        "bp": round(mid - half, 2),
                        "bs": rng.randint(1, 20),
                        "ax": 11,
                        "ap": round(mid + half, 2),
                        "as": rng.randint(1, 20),
                        "c": 0,
                        "i": [604],
                        "t": t_ms,
                        "q": seq,
                        "z": 3,
                    }
                )
            out.append(orjson.dumps(items).decode())
        FRAME_CACHE[key] = out
    return FRAME_CACHE[key]


def status(name: str, message: str) -> bytes:
    return orjson.dumps([{"ev": "status", "status": name, "message": message}])


async def stream(ws: ServerConnection, query: dict[str, str]) -> None:
    frames = quote_frames(int(query["frames"]), int(query.get("per", "10")))
    if query.get("mode", "burst") == "burst":
        await asyncio.sleep(float(query.get("delay", "0.3")))
        for frame in frames:
            await ws.send(frame)
        return
    rate = float(query["rate"])
    sent = array("q")
    loop = asyncio.get_running_loop()
    start = loop.time() + float(query.get("delay", "0.3"))
    for i, frame in enumerate(frames):
        wait = start + i / rate - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        sent.append(time.time_ns())
        await ws.send(frame)
    write_log(Path(query["log"]), sent)


def write_log(path: Path, sent: array[int]) -> None:
    path.write_bytes(sent.tobytes())


async def session(ws: ServerConnection) -> None:
    assert ws.request is not None
    query = {k: v[-1] for k, v in parse_qs(urlsplit(ws.request.path).query).items()}
    await ws.send(status("connected", "Connected Successfully").decode())
    async for raw in ws:
        action = orjson.loads(raw).get("action")
        if action == "auth":
            await ws.send(status("auth_success", "authenticated").decode())
        elif action == "subscribe":
            await ws.send(status("success", "subscribed to: Q.PONY").decode())
            asyncio.create_task(stream(ws, query))  # noqa: RUF006 - ends with the connection


async def main(port: int) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with serve(session, "127.0.0.1", port, max_size=None, compression=None):
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
