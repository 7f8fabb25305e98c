"""Replay the Dockerfile without Docker: its install steps, entrypoint, healthcheck and stop signal.

The build stage's COPY and RUN instructions run as written, in a scratch "image root" where
every absolute image path (``/opt/dlmon``, ``/src``, ``/etc/dlmon``, ``/var/lib/dlmon``) is
mapped under ``tmp_path``. Dependencies come from the hashed lock file (pip downloads them from
the package index, or its cache). The runtime stage's ENV, WORKDIR, ENTRYPOINT + CMD and
HEALTHCHECK are then used to start dlmon and probe it; its RUN (creating the system user)
needs root and is only checked, not run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import dockerfile
from tests.support.deploy import REPO
from tests.support.net import free_port

DOCKERFILE = REPO / "Dockerfile"


class ImageRoot:
    """Map absolute paths of the image onto a scratch directory."""

    def __init__(self, root: Path, prefixes: set[str]) -> None:
        self.root = root
        self.prefixes = sorted(prefixes, key=len, reverse=True)

    def host(self, image_path: str) -> Path:
        assert image_path.startswith("/"), image_path
        return self.root / image_path.lstrip("/")

    def rewrite(self, text: str) -> str:
        """Replace every known image path in ``text`` by its host path."""
        for prefix in self.prefixes:
            pattern = rf"(?<![\w/]){re.escape(prefix)}(?=/|:|$|\s|')"
            text = re.sub(pattern, str(self.host(prefix)).replace("\\", "\\\\"), text)
        return text


def expand(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), ""), value)


def image_prefixes(stages: list[dockerfile.Stage]) -> set[str]:
    prefixes = set()
    for stage in stages:
        for inst in stage.all("WORKDIR"):
            prefixes.add(inst.args)
        for inst in stage.all("COPY"):
            dest = dockerfile.copy_args(inst.args)[2]
            if dest.startswith("/"):
                prefixes.add(str(Path(dest).parent) if not dest.endswith("/") else dest.rstrip("/"))
        for value in stage.env().values():
            if value.startswith("/") and ":" not in value:
                prefixes.add(value)
    return prefixes


def host_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("DLMON_")}


def copy_into(sources: list[str], dest: Path, base: Path) -> None:
    for source in sources:
        src = base / source
        assert src.exists(), f"COPY source {source} does not exist"
        if src.is_dir():  # like Docker: the directory's contents go into dest
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(src, dest, dirs_exist_ok=True, ignore=ignore)
        else:
            target = dest / src.name if dest.is_dir() else dest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def build(stage: dockerfile.Stage, image: ImageRoot, shim: Path) -> dict[str, str]:
    """Run the build stage's COPY and RUN steps; return its environment."""
    env = host_env()
    env["PATH"] = f"{shim}{os.pathsep}{env['PATH']}"
    cwd = image.root
    for inst in stage.instructions:
        if inst.keyword == "ENV":
            for key, value in dockerfile.parse_env(inst.args).items():
                env[key] = expand(image.rewrite(value), env)
        elif inst.keyword == "WORKDIR":
            cwd = image.host(inst.args)
            cwd.mkdir(parents=True, exist_ok=True)
        elif inst.keyword == "COPY":
            flags, sources, dest = dockerfile.copy_args(inst.args)
            assert not flags, f"build stage COPY with flags: {inst.args}"
            target = image.host(dest) if dest.startswith("/") else cwd / dest
            if dest.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
            copy_into(sources, target, REPO)
        elif inst.keyword == "RUN":
            command = dockerfile.run_command(inst.args)
            assert not re.search(r"(?<![\w$\"/.-])/(opt|src|etc|var|usr)\b", command), (
                f"RUN uses an absolute image path; use $VIRTUAL_ENV or WORKDIR: {command}"
            )
            result = subprocess.run(
                ["/bin/sh", "-c", command],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=540,
                check=False,
            )
            assert result.returncode == 0, f"RUN {command}\n{result.stdout}\n{result.stderr}"
    return env


def runtime(stage: dockerfile.Stage, image: ImageRoot) -> tuple[dict[str, str], Path]:
    """Apply the runtime stage's COPY, ENV and WORKDIR; return the environment and cwd."""
    env = host_env()
    cwd = image.root
    for inst in stage.instructions:
        if inst.keyword == "COPY":
            flags, sources, dest = dockerfile.copy_args(inst.args)
            if "from" in flags:  # the build stage wrote to the same mapped path
                assert all(image.host(s) == image.host(dest) for s in sources), inst.args
                assert image.host(dest).is_dir(), inst.args
            else:
                copy_into(sources, image.host(dest), REPO)
        elif inst.keyword == "ENV":
            for key, value in dockerfile.parse_env(inst.args).items():
                env[key] = expand(image.rewrite(value), env)
        elif inst.keyword == "WORKDIR":
            cwd = image.host(inst.args)
            cwd.mkdir(parents=True, exist_ok=True)
    return env, cwd


def probe(command: list[str], env: dict[str, str], timeout: float) -> int:
    try:
        return subprocess.run(command, env=env, capture_output=True, timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        return -1


def test_dockerfile_declares_the_runtime_contract() -> None:
    stages = dockerfile.parse(DOCKERFILE)
    assert len(stages) >= 2, "multi-stage build"
    final = stages[-1]
    assert final.base.startswith("python:3.11-slim")
    user = final.last("USER")
    assert user is not None and user.args not in ("root", "0")
    assert final.env()["DLMON_SERVER__HOST"] == "0.0.0.0"
    assert final.env()["DLMON_STATE_DIR"] == "/var/lib/dlmon"  # state in the volume
    volume = final.last("VOLUME")
    assert volume is not None and "/var/lib/dlmon" in volume.args
    workdir = final.last("WORKDIR")
    assert workdir is not None and workdir.args == "/var/lib/dlmon"
    stop = final.last("STOPSIGNAL")
    assert stop is not None and stop.args == "SIGTERM"
    entrypoint, cmd = final.last("ENTRYPOINT"), final.last("CMD")
    assert entrypoint is not None and cmd is not None
    assert dockerfile.exec_form(entrypoint.args) == ["dlmon"]
    assert dockerfile.exec_form(cmd.args)[:3] == ["run", "--config", "/etc/dlmon/dlmon.yaml"]
    check = final.last("HEALTHCHECK")
    assert check is not None
    assert "curl" not in check.args and "wget" not in check.args
    install = " ".join(i.args for i in stages[0].all("RUN"))
    assert "--require-hashes" in install and "requirements.lock" in install


def test_dockerignore_admits_every_copied_file() -> None:
    allowed = [
        line[1:].rstrip("/")
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    for stage in dockerfile.parse(DOCKERFILE):
        for inst in stage.all("COPY"):
            flags, sources, _ = dockerfile.copy_args(inst.args)
            if "from" in flags:
                continue
            for source in sources:
                assert source.rstrip("/") in allowed, f"{source} is excluded by .dockerignore"


def test_lock_file_pins_every_runtime_dependency_with_hashes() -> None:
    import tomllib

    lock = (REPO / "requirements.lock").read_text()
    pinned = {
        m.group(1).lower().replace("_", "-")
        for m in re.finditer(r"^([A-Za-z0-9_.-]+)==\S+", lock, re.MULTILINE)
    }
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for requirement in project["dependencies"]:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, f"{name} is in pyproject.toml but not in requirements.lock"
    blocks = re.split(r"^(?=\S)", lock, flags=re.MULTILINE)
    for block in blocks:
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, block.split("\n", 1)[0]


@pytest.mark.timeout(900)
def test_install_entrypoint_healthcheck_and_stop_signal_in_a_fresh_virtualenv(
    tmp_path: Path,
) -> None:
    stages = dockerfile.parse(DOCKERFILE)
    build_stage, final = stages[0], stages[-1]
    image = ImageRoot(tmp_path / "image", image_prefixes(stages))
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "python").symlink_to(sys.executable)

    build(build_stage, image, shim)
    env, cwd = runtime(final, image)

    entrypoint = final.last("ENTRYPOINT")
    cmd = final.last("CMD")
    check = final.last("HEALTHCHECK")
    stop = final.last("STOPSIGNAL")
    assert entrypoint and cmd and check and stop
    argv = [image.rewrite(a) for a in dockerfile.exec_form(entrypoint.args)]
    argv += [image.rewrite(a) for a in dockerfile.exec_form(cmd.args)]
    executable = shutil.which(argv[0], path=env["PATH"])
    assert executable is not None and Path(executable).is_relative_to(image.root), executable
    options, health = dockerfile.healthcheck(check.args)
    health_timeout = float(options.get("timeout", "30s").rstrip("s"))
    start_period = float(options.get("start-period", "0s").rstrip("s"))

    port = free_port()
    env["DLMON_SERVER__PORT"] = str(port)
    env["DLMON_SERVER__HOST"] = "127.0.0.1"  # the image listens on 0.0.0.0; tests stay local
    assert probe(health, env, health_timeout) != 0, "healthcheck passes with nothing listening"

    before = files_outside(image.root, cwd)
    log = (tmp_path / "dlmon.log").open("w")
    proc = subprocess.Popen([executable, *argv[1:]], cwd=cwd, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + start_period + 15
        healthy = False
        while time.monotonic() < deadline and proc.poll() is None:
            if probe(health, env, health_timeout) == 0:
                healthy = True
                break
            time.sleep(0.2)
        assert healthy, f"healthcheck never passed; exit={proc.poll()}\n{read(tmp_path)}"
        proc.send_signal(signal.Signals[stop.args])
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    assert code == 0, read(tmp_path)
    # State belongs in the WORKDIR volume: nothing else in the image may change.
    assert files_outside(image.root, cwd) == before


def files_outside(root: Path, volume: Path) -> dict[Path, float]:
    """Return every file under ``root`` but outside ``volume``, with its mtime."""
    return {
        p: p.stat().st_mtime
        for p in root.rglob("*")
        if p.is_file() and not p.is_relative_to(volume)
    }


def read(tmp_path: Path) -> str:
    return (tmp_path / "dlmon.log").read_text()[-4000:]
