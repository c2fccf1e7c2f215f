"""The GitHub emulator's starting state: repos from a directory tree, issues from TOML.

Layout (``scenarios/repos``)::

    <owner>/<name>/**        the files of each repo's first commit on its default branch
    issues.toml              [[label]] given to every repo, [[issue]] per open issue
    pulls.toml               [[pull]] per merged pull request, times relative to the
                             emulator's clock when it starts (seed_pulls)

Bad input raises ``SeedError`` with one line naming the file and the entry.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .seed_pulls import SeedPull

ISSUES_FILE = "issues.toml"
PULLS_FILE = "pulls.toml"
SEED_DATE = "2026-01-15T09:00:00Z"  # the first commit's date: fixed, so seed SHAs are stable


class SeedError(ValueError):
    """A seed directory or issues.toml that cannot be loaded."""


@dataclass(frozen=True)
class SeedLabel:
    name: str
    color: str = "ededed"
    description: str = ""


@dataclass(frozen=True)
class SeedIssue:
    repo: str
    title: str
    body: str = ""
    labels: tuple[str, ...] = ()
    author: str = "recs-core-bot"
    assignees: tuple[str, ...] = ()
    state: str = "open"
    created_at: str = SEED_DATE


@dataclass
class SeedRepo:
    full_name: str  # "owner/name"
    files: dict[str, bytes] = field(default_factory=dict)  # path -> content
    default_branch: str = "main"
    description: str = ""

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


@dataclass
class Seed:
    repos: dict[str, SeedRepo] = field(default_factory=dict)
    labels: list[SeedLabel] = field(default_factory=list)
    issues: list[SeedIssue] = field(default_factory=list)
    pulls: list["SeedPull"] = field(default_factory=list)  # merged PRs, made when the forge starts
    viewer: str = "atlas-bot"  # the login the emulator's token belongs to


def load_seed(repos_dir: str | Path) -> Seed:
    root = Path(repos_dir)
    if not root.is_dir():
        raise SeedError(f"{root}: GitHub seed directory not found")
    seed = Seed()
    for owner_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for repo_dir in sorted(p for p in owner_dir.iterdir() if p.is_dir()):
            repo = SeedRepo(f"{owner_dir.name}/{repo_dir.name}")
            inside = repo_dir.resolve()
            for f in sorted(repo_dir.rglob("*")):
                # a symlink must not serve a file from outside the seed repo
                if f.is_file() and f.resolve().is_relative_to(inside):
                    repo.files[f.relative_to(repo_dir).as_posix()] = f.read_bytes()
            repo.description = _description(repo.files.get("README.md", b""))
            seed.repos[repo.full_name] = repo
    issues_file = root / ISSUES_FILE
    if issues_file.is_file():
        _load_issues(issues_file, seed)
    pulls_file = root / PULLS_FILE
    if pulls_file.is_file():
        from .seed_pulls import load_pulls

        seed.pulls.extend(load_pulls(pulls_file, seed))
    return seed


def _load_issues(path: Path, seed: Seed) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path}: invalid TOML: {exc}") from None
    for i, raw in enumerate(data.get("label", []), 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise SeedError(f"{path}: [[label]] #{i}: field 'name' is required (a string)")
        seed.labels.append(
            SeedLabel(raw["name"], str(raw.get("color", "ededed")), str(raw.get("description", "")))
        )
    for i, raw in enumerate(data.get("issue", []), 1):
        where = f"{path}: [[issue]] #{i}"
        if not isinstance(raw, dict):
            raise SeedError(f"{where}: must be a table")
        for key in ("repo", "title"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                raise SeedError(f"{where}: field '{key}' is required (a string)")
        if raw["repo"] not in seed.repos:
            known = ", ".join(sorted(seed.repos)) or "none"
            raise SeedError(f"{where} ({raw['title']!r}): field 'repo': unknown repo {raw['repo']!r} (known: {known})")
        for key in ("labels", "assignees"):
            value = raw.get(key, [])
            if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
                raise SeedError(f"{where} ({raw['title']!r}): field '{key}' must be a list of strings")
        state = raw.get("state", "open")
        if state not in ("open", "closed"):
            raise SeedError(f"{where} ({raw['title']!r}): field 'state' must be 'open' or 'closed'")
        seed.issues.append(
            SeedIssue(
                repo=raw["repo"],
                title=raw["title"],
                body=str(raw.get("body", "")).strip("\n"),
                labels=tuple(raw.get("labels", [])),
                author=str(raw.get("author", "recs-core-bot")),
                assignees=tuple(raw.get("assignees", [])),
                state=state,
                created_at=str(raw.get("created_at", SEED_DATE)),
            )
        )


def _description(readme: bytes) -> str:
    """The README's first prose paragraph, as GitHub shows a repo description."""
    lines: list[str] = []
    for line in readme.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "|", "`")):
            if lines:
                break
            continue
        lines.append(line)
    return " ".join(lines)
