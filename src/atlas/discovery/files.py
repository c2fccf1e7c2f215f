"""The files of one repo, read safely: from a local folder or through the forge.

Discovery reads other people's repos, so every file is suspect: a symlink may point out of the
repo, a file may be binary or huge. Each such file becomes one note and is skipped; nothing
here raises for a bad file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from atlas.fsutil import NotRegularFile, read_regular

MAX_BYTES = 1_000_000  # artifacts are small; a bigger file is generated data, not config
SKIP_DIRS = {".git", "node_modules", ".venv", "__pycache__", ".terraform"}
# Suffixes (and names) a source may want; everything else is not even opened.
WANTED = (".yaml", ".yml", ".json", ".py", ".tf", "CODEOWNERS")


@dataclass(frozen=True, slots=True)
class TextFile:
    repo: str  # short repo name (the catalog's repo id when it has one)
    path: str  # repo-relative, with forward slashes
    text: str

    def where(self, line: int | None = None) -> str:
        return f"{self.repo}/{self.path}" + (f":{line}" if line else "")


@dataclass
class RepoFiles:
    name: str  # short name: data-pipelines
    origin: str  # the local folder or owner/name
    files: list[TextFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    local_root: Path | None = None  # for git history

    def with_suffix(self, *suffixes: str) -> Iterator[TextFile]:
        return (f for f in self.files if f.path.endswith(suffixes))


def _wanted(name: str) -> bool:
    return name.endswith(WANTED)


def _decode(data: bytes, where: str, notes: list[str]) -> str | None:
    if len(data) > MAX_BYTES:
        notes.append(f"{where}: skipped, {len(data):,} bytes is more than the {MAX_BYTES:,}-byte limit")
        return None
    if b"\0" in data[:8192]:
        notes.append(f"{where}: skipped, a binary file")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        notes.append(f"{where}: skipped, not UTF-8 text (byte {exc.start})")
        return None


def read_local(root: str | Path, name: str | None = None) -> RepoFiles:
    root = Path(root)
    repo = RepoFiles(name or root.resolve().name, str(root), local_root=root)
    if not root.is_dir():
        repo.notes.append(f"{root}: not a folder")
        return repo
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):  # does not follow symlinked folders
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for fname in sorted(filenames):
            if not _wanted(fname):
                continue
            full = Path(dirpath) / fname
            rel = full.relative_to(root).as_posix()
            where = f"{repo.name}/{rel}"
            try:
                if full.is_symlink():
                    target = full.resolve()
                    if not target.is_relative_to(real_root):
                        repo.notes.append(f"{where}: skipped, a symlink that points out of the repo")
                        continue
                size = full.stat().st_size
                if size > MAX_BYTES:
                    repo.notes.append(f"{where}: skipped, {size:,} bytes is more than the {MAX_BYTES:,}-byte limit")
                    continue
                # a FIFO or a device named like an artifact would block a plain read forever
                data = read_regular(full, MAX_BYTES)
            except NotRegularFile as exc:
                repo.notes.append(f"{where}: skipped, {exc.strerror}")
                continue
            except OSError as exc:
                repo.notes.append(f"{where}: cannot read: {exc.strerror or exc}")
                continue
            text = _decode(data, where, repo.notes)
            if text is not None:
                repo.files.append(TextFile(repo.name, rel, text))
    return repo


def read_forge(forge, github: str, branch: str | None = None, name: str | None = None) -> RepoFiles:
    """Every wanted file of a repo's default branch through the GitHub API (git trees and
    blobs: two calls plus one per file). A failure is one note, never an exception."""
    import base64

    short = name or github.split("/", 1)[-1]
    repo = RepoFiles(short, github)
    try:
        gh = forge.repo(github)
        ref = branch or gh.default_branch
        tree = gh.get_git_tree(forge.head_sha(github, ref), recursive=True)
        entries = list(tree.tree)
    except Exception as exc:  # ForgeError, GithubException, connection errors: one line
        repo.notes.append(f"{github}: cannot list files: {_reason(exc)}")
        return repo
    for entry in sorted(entries, key=lambda e: e.path):
        if entry.type != "blob" or not _wanted(entry.path.rsplit("/", 1)[-1]):
            continue
        where = f"{short}/{entry.path}"
        if entry.mode == "120000":
            repo.notes.append(f"{where}: skipped, a symlink (not followed through the API)")
            continue
        if (entry.size or 0) > MAX_BYTES:
            repo.notes.append(f"{where}: skipped, {entry.size:,} bytes is more than the {MAX_BYTES:,}-byte limit")
            continue
        try:
            blob = gh.get_git_blob(entry.sha)
            data = base64.b64decode(blob.content or "")
        except Exception as exc:
            repo.notes.append(f"{where}: cannot read: {_reason(exc)}")
            continue
        text = _decode(data, where, repo.notes)
        if text is not None:
            repo.files.append(TextFile(short, entry.path, text))
    return repo


def _reason(exc: BaseException) -> str:
    """One line; a GitHub (or proxy) error body may echo the credentials: scrubbed in every
    spelling before it becomes a note (these calls do not go through Forge._call)."""
    from atlas.experiments.token import scrub

    text = scrub(str(exc)).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
