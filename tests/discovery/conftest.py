"""Fixtures: the sample repos' artifacts, a copy of the sample workspace, and real git repos
built from files with several authors and fixed dates."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_REPOS = ROOT / "scenarios" / "repos" / "nw-recs"
REPO_NAMES = ("data-pipelines", "training", "serving")
NOW = 1_800_000_000.0  # a fixed "now" (2027-01-15): git dates below are relative to it


@pytest.fixture
def sample_repo_args() -> list[str]:
    out = []
    for name in REPO_NAMES:
        out += ["--repo", str(SAMPLE_REPOS / name)]
    return out


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A copy of the sample workspace (catalog, runbooks, scenarios) to edit freely."""
    ws = tmp_path / "ws"
    for part in ("catalog", "runbooks", "scenarios"):
        shutil.copytree(ROOT / part, ws / part)
    return ws


def git(root: Path, *args: str, env: dict | None = None) -> str:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1",
            "LC_ALL": "C"}
    proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True,
                          env={**base, **(env or {})})
    return proc.stdout


def build_history(dest: Path, source: Path, commits: list[tuple[str, str, int, list[str]]]) -> Path:
    """A real git repo: `source`'s files, then each (name, email, days before NOW, paths)
    commit touching those paths (a line appended), authored at a fixed date."""
    shutil.copytree(source, dest)
    git(dest, "init", "-q", "-b", "main")
    def commit(name: str, email: str, days: int, message: str) -> None:
        when = f"@{int(NOW - days * 86400)} +0000"
        git(dest, "commit", "-q", "-m", message, env={
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": when})
    git(dest, "add", "-A")
    commit("Olga Ivanova", "olga@recs-core.example", 500, "initial import")
    for i, (name, email, days, paths) in enumerate(sorted(commits, key=lambda c: -c[2])):  # oldest first, as in life
        for p in paths:
            with open(dest / p, "a", encoding="utf-8") as fh:
                fh.write(f"\n# change {i}\n")
        git(dest, "add", *paths)
        commit(name, email, days, f"change {i}")
    return dest
