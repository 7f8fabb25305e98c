"""Real Alertmanager processes clustered over 127.0.0.1, and ``dlmon run`` as a child
process, for the high-availability test."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from tests.support.net import free_port


def am_config(path: Path, webhook_url: str) -> Path:
    """Every alert in its own group, notified after 1 s, never repeated during a test."""
    config = {
        "route": {
            "receiver": "hook",
            "group_by": ["..."],
            "group_wait": "1s",
            "group_interval": "1s",
            "repeat_interval": "1h",
        },
        "receivers": [
            {"name": "hook", "webhook_configs": [{"url": webhook_url, "send_resolved": True}]}
        ],
    }
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@dataclass
class Alertmanager:
    """One Alertmanager process (web and cluster ports on 127.0.0.1)."""

    web_port: int
    cluster_port: int
    proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    async def status(self, session: aiohttp.ClientSession) -> dict[str, Any]:
        async with session.get(f"{self.url}/api/v2/status") as resp:
            data: dict[str, Any] = await resp.json()
            return data

    def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()


@dataclass
class Cluster:
    """N Alertmanagers peered with each other; ``start`` waits until the cluster is ready."""

    binary: str
    directory: Path
    webhook_url: str
    size: int = 2
    peer_timeout: str = "2s"
    members: list[Alertmanager] = field(default_factory=list)

    async def start(self) -> None:
        config = am_config(self.directory / "alertmanager.yml", self.webhook_url)
        self.members = [Alertmanager(free_port(), free_port()) for _ in range(self.size)]
        for i, am in enumerate(self.members):
            peers = [
                f"--cluster.peer=127.0.0.1:{o.cluster_port}" for o in self.members if o is not am
            ]
            log = open(self.directory / f"alertmanager-{i}.log", "wb")  # noqa: SIM115, ASYNC230
            am.proc = await asyncio.create_subprocess_exec(
                self.binary,
                f"--config.file={config}",
                f"--storage.path={self.directory / f'am{i}'}",
                f"--web.listen-address=127.0.0.1:{am.web_port}",
                f"--cluster.listen-address=127.0.0.1:{am.cluster_port}",
                f"--cluster.advertise-address=127.0.0.1:{am.cluster_port}",
                *peers,
                f"--cluster.peer-timeout={self.peer_timeout}",
                "--cluster.gossip-interval=50ms",
                "--cluster.pushpull-interval=1s",
                "--cluster.probe-interval=200ms",
                "--cluster.settle-timeout=5s",
                stdout=log,
                stderr=log,
            )
            log.close()
        async with aiohttp.ClientSession() as session:

            async def ready() -> bool:
                for am in self.members:
                    assert am.proc is not None and am.proc.returncode is None, "exited"
                    try:
                        cluster = (await am.status(session))["cluster"]
                    except (aiohttp.ClientError, KeyError):
                        return False
                    if cluster.get("status") != "ready" or len(cluster["peers"]) != self.size:
                        return False
                return True

            deadline = asyncio.get_running_loop().time() + 30
            while not await ready():
                assert asyncio.get_running_loop().time() < deadline, "cluster not ready in 30 s"
                await asyncio.sleep(0.1)

    async def stop(self) -> None:
        for am in self.members:
            if am.proc is None:
                continue
            if am.proc.returncode is None:
                am.proc.terminate()
            await am.proc.wait()


@dataclass
class DlmonProcess:
    """``python -m monitor run --config FILE`` started in ``cwd``, output in a log file."""

    config: Path
    cwd: Path
    proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        log = open(self.cwd / "dlmon.log", "wb")  # noqa: SIM115, ASYNC230
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "monitor",
            "run",
            "--config",
            str(self.config),
            cwd=self.cwd,
            stdout=log,
            stderr=log,
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown work at all, as in a crash or an OOM kill."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    async def stop(self) -> None:
        """SIGTERM (a graceful stop) unless already dead; wait for the exit either way."""
        if self.proc is None:
            return
        if self.proc.returncode is None:
            self.proc.terminate()
        await self.proc.wait()
