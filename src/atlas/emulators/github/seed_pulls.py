"""Merged pull requests in the seed (``pulls.toml``), dated relative to the emulator's clock.

A forge is only as old as its history: triage asks which PRs merged in the hours before an
onset, so the seed can say "kwame's PR merged 3 h 40 min ago". Each ``[[pull]]`` becomes, when
the forge starts, what GitHub would hold after it happened: a head branch with one commit by
the author (dated ``created_at``), a PR opened then, merged at ``merged_at`` (a real merge,
squash or rebase commit on the base, through the same code as ``PUT /merge``), and its head
branch deleted afterwards. Times are fixed at start: git history does not move with the clock.

Parsing (``load_pulls``) is pure and raises ``SeedError`` with one line naming the entry and
the field; what depends on the repo's history (a removed file that is not there, a conflict
with an earlier merge) is reported the same way when the forge is built.
"""

from __future__ import annotations

import re
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from .errors import MAX_BODY, ApiError
from .seed import Seed, SeedError

if TYPE_CHECKING:
    from .state import ForgeState

_OFFSET = re.compile(r"^-((?:\d+[dhms])+)$")
_OFFSET_PART = re.compile(r"(\d+)([dhms])")
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}
# GitHub logins: "may only contain alphanumeric characters or single hyphens, and cannot
# begin or end with a hyphen", at most 39 characters (github.com/join's messages)
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_BRANCH = re.compile(r"^[A-Za-z0-9._][A-Za-z0-9._/-]*$")
# the REST API answers 422 "title is too long" beyond 256 characters (DavyJonesLocker/party_foul#122,
# highlight/highlight#6461)
MAX_TITLE = 256
PULL_KEYS = {"repo", "number", "title", "author", "body", "base", "head", "created_at", "merged_at",
             "merged_by", "merge_method", "labels", "file"}
DEFAULT_OPEN_FOR = 3600  # created_at, when not given: an hour before the merge


@dataclass(frozen=True)
class SeedFile:
    path: str
    content: bytes | None  # None: the PR deletes the file


@dataclass(frozen=True)
class SeedPull:
    repo: str
    title: str
    author: str
    merged_at: int  # seconds before the emulator's start (>= 0)
    created_at: int  # seconds before the start, >= merged_at
    files: tuple[SeedFile, ...]
    head: str  # "": "<author>/pull-<number>"
    base: str
    body: str = ""
    number: int | None = None  # None: the repo's next number
    merged_by: str = ""  # "" : the author
    merge_method: str = "merge"
    labels: tuple[str, ...] = ()
    where: str = ""  # "pulls.toml: [[pull]] #1 ('title')", for errors found at start


def offset(text: Any, where: str) -> int:
    """'-3h40m' -> 13200 seconds before now."""
    m = _OFFSET.match(text) if isinstance(text, str) else None
    if not m:
        raise SeedError(f"{where}: {text!r} is not a time before now (use \"-3h40m\", \"-2d\", \"-90s\")")
    return sum(int(n) * _UNIT[u] for n, u in _OFFSET_PART.findall(m.group(1)))


def load_pulls(path: Path, seed: Seed) -> list[SeedPull]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path}: invalid TOML: {exc}") from None
    extra = sorted(set(data) - {"pull"})
    if extra:
        raise SeedError(f"{path}: unknown table {extra[0]!r} (only [[pull]] entries)")
    entries = data.get("pull", [])
    if not isinstance(entries, list):
        raise SeedError(f"{path}: 'pull' must be an array of tables ([[pull]])")
    return [_pull(raw, f"{path}: [[pull]] #{i}", seed) for i, raw in enumerate(entries, 1)]


def _pull(raw: Any, where: str, seed: Seed) -> SeedPull:
    if not isinstance(raw, dict):
        raise SeedError(f"{where}: must be a table")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SeedError(f"{where}: field 'title' is required (a string)")
    if len(title) > MAX_TITLE:
        raise SeedError(f"{where}: field 'title' is longer than GitHub's {MAX_TITLE} characters")
    where = f"{where} ({title!r})"
    unknown = sorted(set(raw) - PULL_KEYS)
    if unknown:
        raise SeedError(f"{where}: unknown field {unknown[0]!r} (known: {', '.join(sorted(PULL_KEYS))})")
    repo_name = _string(raw, "repo", where)
    repo = seed.repos.get(repo_name)
    if repo is None:
        raise SeedError(f"{where}: field 'repo': unknown repo {repo_name!r} (known: {', '.join(sorted(seed.repos))})")
    author = _login(raw, "author", where)
    merged_by = _login(raw, "merged_by", where) if "merged_by" in raw else author
    if "merged_at" not in raw:
        raise SeedError(f"{where}: field 'merged_at' is required (a time before now, e.g. \"-3h40m\")")
    merged = offset(raw["merged_at"], f"{where}: field 'merged_at'")
    created = offset(raw["created_at"], f"{where}: field 'created_at'") if "created_at" in raw \
        else merged + DEFAULT_OPEN_FOR
    if created < merged:
        raise SeedError(f"{where}: field 'created_at' ({raw['created_at']!r}) is after 'merged_at' "
                        f"({raw['merged_at']!r})")
    base = raw.get("base", repo.default_branch)
    if base != repo.default_branch:  # the seed has no other branch to merge into
        raise SeedError(f"{where}: field 'base': {base!r} is not a branch of {repo_name} "
                        f"(the seed has only {repo.default_branch!r})")
    number = raw.get("number")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
        raise SeedError(f"{where}: field 'number' must be a whole number >= 1")
    head = raw.get("head", "")  # "": "<author>/pull-<number>"
    if "head" in raw and (not isinstance(head, str) or not _BRANCH.match(head) or ".." in head or "//" in head
            or head.endswith(("/", ".lock", ".")) or head == base):
        raise SeedError(f"{where}: field 'head': {head!r} is not a branch name other than {base!r}")
    method = raw.get("merge_method", "merge")
    if method not in ("merge", "squash", "rebase"):
        raise SeedError(f"{where}: field 'merge_method' must be 'merge', 'squash' or 'rebase'")
    body = raw.get("body", "")
    if not isinstance(body, str) or len(body) > MAX_BODY:
        raise SeedError(f"{where}: field 'body' must be a string of at most {MAX_BODY} characters")
    labels = raw.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) and x for x in labels):
        raise SeedError(f"{where}: field 'labels' must be a list of strings")
    return SeedPull(repo=repo_name, title=title, author=author, merged_at=merged, created_at=created,
                    files=_files(raw.get("file"), where), head=head, base=base, body=body.strip("\n"),
                    number=number, merged_by=merged_by, merge_method=method, labels=tuple(labels), where=where)


def _string(raw: dict, key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise SeedError(f"{where}: field '{key}' is required (a string)")
    return value


def _login(raw: dict, key: str, where: str) -> str:
    value = _string(raw, key, where)
    if not _LOGIN.match(value):
        raise SeedError(f"{where}: field '{key}': {value!r} is not a GitHub login")
    return value


def _files(raw: Any, where: str) -> tuple[SeedFile, ...]:
    if not isinstance(raw, list) or not raw:
        raise SeedError(f"{where}: needs at least one [[pull.file]] (path and content, or remove = true)")
    out: list[SeedFile] = []
    for i, f in enumerate(raw, 1):
        at = f"{where}: [[pull.file]] #{i}"
        if not isinstance(f, dict):
            raise SeedError(f"{at}: must be a table")
        unknown = sorted(set(f) - {"path", "content", "remove"})
        if unknown:
            raise SeedError(f"{at}: unknown field {unknown[0]!r} (path, content, remove)")
        path = f.get("path")
        if (not isinstance(path, str) or not path or path.startswith("/") or path.endswith("/")
                or any(part in ("", ".", "..") for part in path.split("/"))):
            raise SeedError(f"{at}: field 'path' must be a relative file path inside the repo")
        remove = f.get("remove", False)
        if remove is not False and remove is not True:
            raise SeedError(f"{at} ({path}): field 'remove' must be true or false")
        content = f.get("content")
        if remove == (content is not None):
            raise SeedError(f"{at} ({path}): give either 'content' (the file's new text) or remove = true")
        if content is not None and not isinstance(content, str):
            raise SeedError(f"{at} ({path}): field 'content' must be a string")
        if any(o.path == path for o in out):
            raise SeedError(f"{at}: {path!r} is listed twice")
        out.append(SeedFile(path, None if remove else content.encode("utf-8")))
    return tuple(out)


# -- materialising: what GitHub would hold after these PRs were opened and merged -------------

def materialise(state: "ForgeState", seeded: list[SeedPull], start: float) -> None:
    """Open and merge every seeded PR, in the order things happened (`start`: the clock when
    the forge is built). Raises SeedError for a PR the history does not allow."""
    events = []
    for i, sp in enumerate(seeded):
        events.append((start - sp.created_at, 0, i))
        events.append((start - sp.merged_at, 1, i))
    opened: dict[int, Any] = {}
    for when, kind, i in sorted(events):
        sp = seeded[i]
        try:
            with _clock_at(state, when):
                if kind == 0:
                    opened[i] = _open(state, sp)
                else:
                    _merge(state, sp, opened[i])
        except ApiError as exc:
            raise SeedError(f"{sp.where}: {exc.message}"
                            + (f" ({exc.errors[0].get('message', '')})" if exc.errors and isinstance(exc.errors[0], dict)
                               else "")) from None


@contextmanager
def _clock_at(state: "ForgeState", when: float) -> Iterator[None]:
    """Everything the forge records meanwhile (commit dates, created/merged/closed/updated) is
    stamped `when`. Only while the forge is being built: no request is served yet."""
    clock = state.clock
    state.clock = lambda: when
    try:
        yield
    finally:
        state.clock = clock


def _open(state: "ForgeState", sp: SeedPull) -> Any:
    from .gitstore import FILE_MODE
    from .records import Pull

    repo = state.repos[sp.repo.lower()]
    base_sha = repo.branch_sha(sp.base)
    head = sp.head or f"{sp.author}/pull-{sp.number or repo.next_number()}"
    if repo.branch_sha(head) is not None:
        raise SeedError(f"{sp.where}: field 'head': branch {head!r} already exists")
    flat = repo.git.flatten(repo.git.commits[base_sha].tree)
    for f in sp.files:
        if f.content is None:
            if flat.pop(f.path, None) is None:
                raise SeedError(f"{sp.where}: removes {f.path!r}, which {sp.repo} does not have")
        else:
            flat[f.path] = (flat.get(f.path, (FILE_MODE, ""))[0], repo.git.put_blob(f.content))
    tree = repo.git.write_flat_tree(flat)
    if tree == repo.git.commits[base_sha].tree:
        raise SeedError(f"{sp.where}: its files change nothing in {sp.repo}")
    author = state.user(sp.author)
    sig = state.signature({"name": author.login, "email": author.email})
    sha = repo.git.put_commit(tree, [base_sha], sig, sig, sp.title + (f"\n\n{sp.body}" if sp.body else ""))
    state.create_ref(repo, f"refs/heads/{head}", sha)
    if sp.number is not None and sp.number < repo.next_number():
        raise SeedError(f"{sp.where}: field 'number': #{sp.number} is taken or lower than #{repo.next_number() - 1}, "
                        "opened before it (GitHub numbers issues and PRs in one increasing sequence)")
    issue = state.create_issue(repo, sp.title, sp.body, list(sp.labels), [], sp.author, number=sp.number)
    issue.pull = Pull(head, sha, sp.base, base_sha)
    return issue


def _merge(state: "ForgeState", sp: SeedPull, issue: Any) -> None:
    from . import pulls

    repo = state.repos[sp.repo.lower()]
    clash = pulls.conflicts(repo, pulls.sync(repo, issue))
    if clash:
        raise SeedError(f"{sp.where}: conflicts with a PR merged before it, in {', '.join(clash)}")
    pulls.merge(state, repo, issue, sha=issue.pull.head_sha, method=sp.merge_method, title=None, message=None,
                by=state.user(sp.merged_by).login)
    # the branch is deleted after the merge (the PR keeps its head ref and sha, as on GitHub)
    state.delete_ref(repo, f"refs/heads/{issue.pull.head_ref}")
