"""Start ``dlmon run`` or the bare app, and exit the moment it serves (for valgrind).

``bench_startup.py`` counts the instructions of each under valgrind: unlike the wall
clock on a shared machine, the count is the same from run to run. The mark is where the
app serves: the bare app once its site has started, ``dlmon run`` once ``Daemon.start()``
has returned (server bound, feeds and tasks started). Nothing is imported ahead of the
app's own imports: the daemon's start is wrapped when its module is first executed.

    python benchmarks/serving_exit.py dlmon|bare PORT
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

DAEMON_MODULE = "monitor.app.daemon"


class _ExitOnceStarted(importlib.abc.MetaPathFinder):
    """Wraps ``Daemon.start`` when ``monitor.app.daemon`` is executed: exit once it returns."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != DAEMON_MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        assert spec is not None and spec.loader is not None
        loader: Any = spec.loader
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            start = module.Daemon.start

            async def start_then_exit(self: Any) -> None:
                await start(self)
                os._exit(0)

            module.Daemon.start = start_then_exit

        loader.exec_module = exec_module
        return spec


def dlmon(port: int) -> None:
    os.environ["DLMON_SERVER__PORT"] = str(port)
    sys.meta_path.insert(0, _ExitOnceStarted())
    sys.argv = ["dlmon", "run"]
    from monitor.cli import main

    main()


def bare(port: int) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import asyncio

    import bare_app
    from aiohttp import web

    start = web.TCPSite.start

    async def start_then_exit(self: web.TCPSite) -> None:
        await start(self)
        os._exit(0)

    web.TCPSite.start = start_then_exit  # type: ignore[method-assign]
    asyncio.run(bare_app.serve(port, probe=False))


if __name__ == "__main__":
    which, port = sys.argv[1], int(sys.argv[2])
    {"dlmon": dlmon, "bare": bare}[which](port)
    sys.exit(f"{which} returned without serving")
