"""Verify, the CI gate: for every active experiment (open, partially-merged, merged), read
its target files from each repo's default branch and check they agree with each other and
with the manifest, whoever edited them. It catches the hand-made PR that forgot one repo.

Rules: a merged experiment must be present (exactly as the manifest says) in every repo;
an open one must be present in all of its repos or in none (not merged yet); anything
in between, or an entry that differs from the manifest, is a problem. Where it is present
the cross-repo checks run on what the default branches really hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from atlas.catalog.model import Repo
from atlas.experiments.checks import TargetDoc, check_repos
from atlas.experiments.edits import entry_state, load_document
from atlas.experiments.errors import EditError, ExperimentError
from atlas.experiments.expand import target_entries
from atlas.experiments.manifest import ACTIVE_STATES, Manifest
from atlas.experiments.plan import RepoReader, resolve_repo
from atlas.experiments.template import Template


@dataclass(slots=True)
class ExperimentVerdict:
    experiment: str
    state: str
    presence: dict[str, str] = field(default_factory=dict)  # "github path" -> present|absent|differs
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"experiment": self.experiment, "state": self.state, "ok": self.ok,
                "presence": self.presence, "problems": self.problems}


def verify_experiment(
    manifest: Manifest, template: Template, repos: Mapping[str, Repo], reader: RepoReader
) -> ExperimentVerdict:
    verdict = ExperimentVerdict(manifest.id, manifest.state)
    docs: list[TargetDoc] = []
    heads: dict[str, str] = {}
    for target in template.targets_in_data_order():
        try:
            repo = resolve_repo(repos, target.repo)
        except ExperimentError as exc:
            verdict.problems.append(str(exc))
            continue
        where = f"{repo.github} {target.path}"
        if target.repo not in heads:
            heads[target.repo] = reader.head_sha(repo.github, repo.default_branch)
        text = reader.read_file(repo.github, target.path, heads[target.repo])
        if text is None:
            verdict.problems.append(f"{where}: file missing on {repo.default_branch}")
            continue
        try:
            doc = load_document(target.format, text)
        except EditError as exc:
            verdict.problems.append(f"{where}: {exc}")
            continue
        entries = target_entries(target, manifest, template)
        docs.append(TargetDoc(target, repo.github, doc, entries, applies=bool(entries)))
        for i, entry in enumerate(entries):
            label = where if len(entries) == 1 else f"{where} [{entry.key or i}]"
            verdict.presence[label] = entry_state(doc, target.op, entry, manifest.id)
    states = set(verdict.presence.values())
    present = sorted(k for k, v in verdict.presence.items() if v == "present")
    missing = sorted(k for k, v in verdict.presence.items() if v == "absent")
    for k, v in sorted(verdict.presence.items()):
        if v == "differs":
            verdict.problems.append(f"{k}: the {manifest.id} entry differs from the manifest")
    if manifest.state == "merged" and missing:
        verdict.problems.append(f"{manifest.id} is merged but missing in: {', '.join(missing)}")
    elif missing and (present or "differs" in states):
        verdict.problems.append(
            f"{manifest.id} is only partly on the default branches: present in {', '.join(present) or 'none'}; "
            f"missing in {', '.join(missing)}"
        )
    if present or "differs" in states:
        for result in check_repos(manifest, template, docs):
            if result.name == "key":
                continue  # presence is reported above, per file
            verdict.problems.extend(result.problems)
    return verdict


def verify_all(
    manifests: list[Manifest], templates: Mapping[str, Template], repos: Mapping[str, Repo], reader: RepoReader
) -> list[ExperimentVerdict]:
    out = []
    for m in manifests:
        if m.state not in ACTIVE_STATES:
            continue
        out.append(verify_experiment(m, templates[m.template], repos, reader))
    return out


class CachedReader:
    """Reads each (repo, branch) head and file once: several experiments share the files."""

    def __init__(self, reader: RepoReader) -> None:
        self.reader = reader
        self._heads: dict[tuple[str, str], str] = {}
        self._files: dict[tuple[str, str, str], str | None] = {}

    def head_sha(self, github: str, branch: str) -> str:
        key = (github, branch)
        if key not in self._heads:
            self._heads[key] = self.reader.head_sha(github, branch)
        return self._heads[key]

    def read_file(self, github: str, path: str, ref: str) -> str | None:
        key = (github, path, ref)
        if key not in self._files:
            self._files[key] = self.reader.read_file(github, path, ref)
        return self._files[key]
