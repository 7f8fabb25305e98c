"""Run ``dlmon`` as a user would: in-process through ``cli.main``, or as a subprocess."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor.cli import main


@dataclass(frozen=True, slots=True)
class Result:
    """Exit code and output of one command."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """``dlmon ARGS`` in this process (no interpreter start-up); output captured."""
    capsys.readouterr()  # drop what the test printed before
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse: usage errors exit 2
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return Result(code, out, err)


def run_subprocess(*args: str, cwd: Path, timeout: float = 60) -> Result:
    """``python -m monitor ARGS`` in a child process started in ``cwd``."""
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)
