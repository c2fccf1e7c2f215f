"""Runbook facts from the workspace: does the file exist, when was it last committed.

The only I/O of readiness. One `git log -1 --format=%ct -- <path>` per distinct runbook
path, or, for a catalog with many runbooks, one `git log --name-only` walk for all of them
(list argv, no shell, a timeout). A workspace outside git, or git missing, gives "never
committed" with the reason instead of an error.
"""

from __future__ import annotations

import os

import shutil
import subprocess
from pathlib import Path

from atlas.catalog.model import Catalog
from atlas.handover.readiness import RunbookFile

_GIT_TIMEOUT = 10.0
BATCH_ABOVE = 24  # more runbooks than this: one history walk instead of one git call each


def _git(workspace: Path, *args: str) -> subprocess.CompletedProcess | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        return subprocess.run([git, *args], cwd=workspace, capture_output=True, text=True,
                              timeout=_GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None


def last_commit_time(workspace: Path, path: str) -> float | None:
    """Unix time of the last commit that touched `path` (workspace-relative); None if none."""
    done = _git(workspace, "log", "-1", "--format=%ct", "--", path)
    if done is None or done.returncode != 0:
        return None
    text = done.stdout.strip()
    return float(text) if text.isdigit() else None


def last_commit_times(workspace: Path, paths: list[str]) -> dict[str, float]:
    """Last commit time of many paths in one history walk (`git log --name-only`): the
    newest commit that names a path comes first. Paths without history are absent."""
    done = _git(workspace, "-c", "core.quotepath=off", "log", "--format=%x00%ct", "--name-only",
                "--no-renames", "--relative", "--", *paths)
    if done is None or done.returncode != 0:
        return {}
    wanted = set(paths)
    out: dict[str, float] = {}
    when = 0.0
    for line in done.stdout.splitlines():
        if line.startswith("\0"):
            when = float(line[1:]) if line[1:].isdigit() else 0.0
        elif line in wanted and line not in out:
            out[line] = when
    return out


def _git_note(workspace: Path) -> str:
    """'' when the workspace is in a git work tree, else why history cannot be read."""
    if shutil.which("git") is None:
        return "git not found"
    done = _git(workspace, "rev-parse", "--is-inside-work-tree")
    if done is None or done.returncode != 0 or done.stdout.strip() != "true":
        return "not in a git repository"
    return ""


def _inside(workspace: Path, path: Path) -> bool:
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(workspace))  # no RuntimeError on a loop
        return True
    except ValueError:
        return False


def inspect_runbooks(catalog: Catalog, component_ids=None, *, git: bool = True) -> dict[str, RunbookFile]:
    """RunbookFile per distinct runbook path of the given components (default: all).

    `git=False` skips history (every runbook reads as never committed, note "not checked").
    """
    workspace = Path(catalog.workspace)
    ids = catalog.components if component_ids is None else component_ids
    paths = sorted({catalog.components[c].runbook for c in ids if catalog.components[c].runbook})
    note = _git_note(workspace) if git else "history not checked"
    exists = {rel: _inside(workspace, workspace / rel) and (workspace / rel).is_file() for rel in paths}
    present = [rel for rel in paths if exists[rel]]
    times: dict[str, float | None] = {}
    if not note and len(present) > BATCH_ABOVE:
        times.update(last_commit_times(workspace, present))
    elif not note:
        times.update((rel, last_commit_time(workspace, rel)) for rel in present)
    return {rel: RunbookFile(exists=exists[rel], committed_at=times.get(rel), note=note) for rel in paths}
