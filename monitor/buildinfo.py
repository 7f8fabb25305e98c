"""What build is running: the package version, the source revision when known, Python."""

from __future__ import annotations

import os
import platform
import subprocess
from functools import cache
from pathlib import Path

from monitor import __version__

REVISION_VARIABLE = "DLMON_REVISION"
"""Set by a build (``docker build --build-arg REVISION=...``) where git is not available."""

SHORT = 12
"""Hex digits of the revision shown (``git rev-parse --short=12``)."""

_HEX = frozenset("0123456789abcdef")


@cache
def revision() -> str:
    """``$DLMON_REVISION``, else the git commit of a source checkout, else ``""``.

    The commit is read from the checkout's files (``HEAD``, the loose ref, ``packed-refs``;
    a worktree's ``.git`` file is followed), which costs no process at start-up; anything
    those files do not answer plainly is asked of ``git rev-parse`` as before."""
    given = os.environ.get(REVISION_VARIABLE, "").strip()
    if given:
        return given
    source = Path(__file__).resolve().parent.parent
    if not (source / ".git").exists():
        return ""
    try:
        commit = head_commit(source / ".git")
    except (OSError, UnicodeDecodeError):
        commit = None
    return commit[:SHORT] if commit is not None else _rev_parse(source)


def head_commit(dot_git: Path) -> str | None:
    """The full commit id ``HEAD`` names in the repository at ``dot_git`` (a ``.git``
    directory, or a worktree's ``.git`` file), or None when the files do not say plainly
    (an unborn branch, a ref database git reads other than by files)."""
    git_dir = dot_git
    if dot_git.is_file():
        pointer = dot_git.read_text(encoding="utf-8").strip()
        if not pointer.startswith("gitdir:"):
            return None
        git_dir = dot_git.parent / pointer.removeprefix("gitdir:").strip()
    head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    if _is_object_id(head):  # a detached HEAD
        return head
    if not head.startswith("ref: refs/"):
        return None
    ref = head.removeprefix("ref: ")
    common = git_dir
    if (git_dir / "commondir").is_file():  # a linked worktree: refs live in the main .git
        common = git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()
    for root in dict.fromkeys((git_dir, common)):
        loose = root / ref
        if loose.is_file():
            commit = loose.read_text(encoding="utf-8").strip()
            return commit if _is_object_id(commit) else None
    return _packed_ref(common / "packed-refs", ref)


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and set(text) <= _HEX  # SHA-1 or SHA-256


def _packed_ref(packed: Path, ref: str) -> str | None:
    if not packed.is_file():
        return None
    for line in packed.read_text(encoding="utf-8").splitlines():
        commit, _, name = line.partition(" ")
        if name == ref and _is_object_id(commit):
            return commit
    return None


def _rev_parse(source: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", f"--short={SHORT}", "HEAD"],
            cwd=source,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def build_labels() -> dict[str, str]:
    """The labels of ``dlmon_build_info``: version, revision and python_version."""
    return {
        "version": __version__,
        "revision": revision(),
        "python_version": platform.python_version(),
    }


__all__ = ["REVISION_VARIABLE", "build_labels", "head_commit", "revision"]
