"""What changed before a cause began failing: pull requests merged in its repo (under its
`code_path` when the catalog names one), read through the forge (PyGithub), and which of
them belong to an experiment set atlas opened (from the manifests' `[prs.*]`).

The SRE book's first troubleshooting question is "what changed recently?"; this answers it
per cause, in the `window` before the onset. A lookup that could not run says why in the
note (no repo, no token, GitHub down); it never reads as "nothing changed".
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlas.catalog.model import Catalog
from atlas.health import readable
from atlas.health.onset import DEFAULT_TOLERANCE
from atlas.health.triage import TriageItem, iso

CHANGE_WINDOW = 24 * 3600.0  # a daily batch job fails on the first run after a change


@dataclass(slots=True)
class Change:
    repo: str  # owner/name
    number: int
    title: str
    author: str
    merged_at: float  # epoch s
    url: str
    experiment: str = ""  # the atlas experiment set this PR is part of, if any
    kind: str = "pull_request"  # or "deploy" (`atlas.health.deploys`: no repo, no number)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "experiment" if self.experiment else self.kind,
            "repo": self.repo or None,  # a deploy has neither
            "number": self.number or None,
            "title": self.title,
            "author": self.author,
            "merged_at": iso(self.merged_at),
            "url": self.url,
            "experiment": self.experiment or None,
        }


def experiment_pulls(catalog_root: Path) -> dict[tuple[str, int], str]:
    """(owner/name, PR number) -> experiment id, for every manifest that records its PRs.
    Reads only `id` and `[prs.*]` (a manifest with other problems still names its PRs);
    one that is not TOML is skipped: `atlas experiment` reports it."""
    out: dict[tuple[str, int], str] = {}
    folder = Path(catalog_root) / "experiments"
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        prs = data.get("prs")
        exp_id = data.get("id")
        if not isinstance(prs, dict) or not isinstance(exp_id, str):
            continue
        for pr in prs.values():
            if isinstance(pr, dict) and isinstance(pr.get("github"), str) and isinstance(pr.get("number"), int):
                out[(pr["github"], pr["number"])] = exp_id
    return out


def under(path: str, folder: str) -> bool:
    folder = folder.strip("/")
    return not folder or path == folder or path.startswith(folder + "/")


def change_window(onset: float | None, now: float, window: float = CHANGE_WINDOW,
                  slack: float = DEFAULT_TOLERANCE) -> tuple[float, float]:
    """(start, end) of the merges that are suspects for a failure that began at `onset`
    (`now` when unknown): `window` before it, and up to `slack` after it, since an onset is
    known only to within its alignment period and ingestion delay (triage's tolerance)."""
    end = now if onset is None else min(now, onset + slack)
    return end - window, end


class ChangeReader:
    """Merged PRs per (repo, code path), read once per repo for every cause that needs it."""

    def __init__(self, catalog: Catalog, forge: Any, *, experiments: Mapping[tuple[str, int], str] | None = None,
                 window: float = CHANGE_WINDOW, unavailable: str = "",
                 expected: tuple[type[BaseException], ...] = (), slack: float = DEFAULT_TOLERANCE):
        self.catalog = catalog
        self.forge = forge  # None: `unavailable` says why (no token, ...)
        # the forge's own failure type (ForgeError: one scrubbed line); health does not
        # import experiments, so the caller names it. Anything else is a bug and raises.
        self.expected = expected
        self.unavailable = unavailable or "no forge"
        self.window = window
        # an onset is known only to within its alignment period and ingestion delay (triage's
        # tolerance): a deploy merged minutes "after" it may well be what broke it
        self.slack = slack
        self.experiments = dict(experiments or {})
        self._merged: dict[tuple[str, bool], list[dict[str, Any]]] = {}
        self._failed: dict[str, str] = {}  # github -> why its PRs could not be read

    def _pulls(self, github: str, base: str, since: float, files: bool) -> list[dict[str, Any]]:
        key = (github, files)
        if key not in self._merged:
            try:
                self._merged[key] = self.forge.merged_pulls(github, base, since, with_files=files)
            except self.expected as exc:
                self._failed[github] = str(exc)
                self._merged[key] = []
        return self._merged[key]

    def changes(self, component_id: str, onset: float | None, now: float,
                earliest: float | None = None) -> tuple[list[Change], str, str]:
        """PRs merged in the `window` before `onset` (before `now` when the onset is not
        known), newest first; a note saying why the list may be incomplete ("" when the
        lookup ran); and what was searched. `earliest`: the earliest window start any
        cause needs (one listing per repo serves them all)."""
        comp = self.catalog.components.get(component_id)
        if comp is None or not comp.repo:
            return [], "no repo in the catalog for this component", ""
        repo = self.catalog.repos.get(comp.repo)
        if repo is None:
            return [], f"repo {comp.repo!r} is not declared", ""
        start, end = change_window(onset, now, self.window, self.slack)
        where = repo.github + (f" under {comp.code_path.strip('/')}/" if comp.code_path else "")
        scope = f"{where}, {readable.duration(self.window)} before {'onset' if onset is not None else 'now: onset unknown'}"
        if self.forge is None:
            return [], self.unavailable, scope
        pulls = self._pulls(repo.github, repo.default_branch, min(start, earliest or start), bool(comp.code_path))
        if repo.github in self._failed:
            return [], self._failed[repo.github], scope
        out = []
        for pr in pulls:
            if not start <= pr["merged_at"] <= end:
                continue
            if comp.code_path and not any(under(f, comp.code_path) for f in pr.get("files", [])):
                continue
            out.append(Change(repo.github, pr["number"], pr["title"], pr["author"], pr["merged_at"], pr["url"],
                              self.experiments.get((repo.github, pr["number"]), "")))
        out.sort(key=lambda c: -c.merged_at)
        return out, "", scope


def attach_changes(items: Iterable[TriageItem], reader: ChangeReader, now: float) -> None:
    """Fill `changes` (and `changes_note`) of every cause."""
    causes = [i for i in items if i.role == "cause"]
    starts = [(i.since if i.since is not None else now) - reader.window for i in causes]
    earliest = min(starts) if starts else None
    for item in causes:
        item.changes, item.changes_note, item.changes_scope = reader.changes(item.component, item.since, now, earliest)

