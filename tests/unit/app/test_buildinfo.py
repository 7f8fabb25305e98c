"""The revision of a source checkout is read from git's files, and is what git says."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from monitor.buildinfo import head_commit

GIT = shutil.which("git")
COMMIT = "0123456789abcdef0123456789abcdef01234567"
OTHER = "89abcdef0123456789abcdef0123456789abcdef"


def git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_a_branch_head_is_read_from_its_loose_ref(tmp_path: Path) -> None:
    dot_git = tmp_path / ".git"
    (dot_git / "refs" / "heads").mkdir(parents=True)
    (dot_git / "HEAD").write_text("ref: refs/heads/main\n")
    (dot_git / "refs" / "heads" / "main").write_text(COMMIT + "\n")
    assert head_commit(dot_git) == COMMIT


def test_a_packed_ref_is_found_when_no_loose_ref_exists(tmp_path: Path) -> None:
    dot_git = tmp_path / ".git"
    dot_git.mkdir()
    (dot_git / "HEAD").write_text("ref: refs/heads/main\n")
    (dot_git / "packed-refs").write_text(
        f"# pack-refs with: peeled fully-peeled sorted\n{OTHER} refs/heads/dev\n"
        f"{COMMIT} refs/heads/main\n^{OTHER}\n"
    )
    assert head_commit(dot_git) == COMMIT


def test_a_detached_head_is_the_commit_itself(tmp_path: Path) -> None:
    dot_git = tmp_path / ".git"
    dot_git.mkdir()
    (dot_git / "HEAD").write_text(COMMIT + "\n")
    assert head_commit(dot_git) == COMMIT


def test_a_worktree_follows_its_git_file_to_the_shared_refs(tmp_path: Path) -> None:
    common = tmp_path / "repo" / ".git"
    linked = common / "worktrees" / "wt"
    linked.mkdir(parents=True)
    (common / "refs" / "heads").mkdir(parents=True)
    (common / "refs" / "heads" / "topic").write_text(COMMIT + "\n")
    (linked / "HEAD").write_text("ref: refs/heads/topic\n")
    (linked / "commondir").write_text("../..\n")
    checkout = tmp_path / "wt"
    checkout.mkdir()
    (checkout / ".git").write_text(f"gitdir: {linked}\n")
    assert head_commit(checkout / ".git") == COMMIT


def test_an_unborn_branch_or_an_unknown_head_is_left_to_git(tmp_path: Path) -> None:
    dot_git = tmp_path / ".git"
    dot_git.mkdir()
    (dot_git / "HEAD").write_text("ref: refs/heads/main\n")
    assert head_commit(dot_git) is None
    (dot_git / "HEAD").write_text("something else\n")
    assert head_commit(dot_git) is None


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_the_commit_read_is_the_one_git_rev_parse_names(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a.txt").write_text("a")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "one")
    assert head_commit(repo / ".git") == git(repo, "rev-parse", "HEAD")
    git(repo, "pack-refs", "--all")  # the loose ref is gone: packed-refs answers
    assert head_commit(repo / ".git") == git(repo, "rev-parse", "HEAD")
    git(repo, "worktree", "add", "-q", "-b", "topic", str(tmp_path / "wt"))
    (tmp_path / "wt" / "b.txt").write_text("b")
    git(tmp_path / "wt", "add", "b.txt")
    git(tmp_path / "wt", "commit", "-q", "-m", "two")
    assert head_commit(tmp_path / "wt" / ".git") == git(tmp_path / "wt", "rev-parse", "HEAD")
    assert head_commit(repo / ".git") != head_commit(tmp_path / "wt" / ".git")
