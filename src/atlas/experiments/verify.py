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
from atlas.experiments.plan import RepoReader, default_branch_document, resolve_repo
from atlas.experiments.template import Template


@dataclass(slots=True)
class ExperimentVerdict:
    experiment: str
    state: str
    presence: dict[str, str] = field(default_factory=dict)  # "github path" -> present|absent|differs
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # checks that could not run (need not hold)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        return {"experiment": self.experiment, "state": self.state, "ok": self.ok,
                "presence": self.presence, "problems": self.problems, "warnings": self.warnings}


def verify_experiment(
    manifest: Manifest, template: Template, repos: Mapping[str, Repo], reader: RepoReader
) -> ExperimentVerdict:
    verdict = ExperimentVerdict(manifest.id, manifest.state)
    differences: dict[str, str] = {}
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
            if verdict.presence[label] == "differs":
                differences[label] = first_difference(doc, target, entry)
    states = set(verdict.presence.values())
    present = sorted(k for k, v in verdict.presence.items() if v == "present")
    missing = sorted(k for k, v in verdict.presence.items() if v == "absent")
    for k, v in sorted(verdict.presence.items()):
        if v == "differs":
            verdict.problems.append(f"{k}: the {manifest.id} entry differs from the manifest: {differences.get(k, '?')}")
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
            verdict.problems.extend(result.blocking)
            if result.status == "unchecked" and not result.must:
                verdict.warnings.append(f"{result.title}: not checked: {result.unchecked}")
    return verdict


def _diff(want, have, path: str) -> str:
    if isinstance(want, dict) and isinstance(have, dict):
        for k, v in want.items():
            if k not in have:
                return f"{path}.{k}: missing on the default branch (manifest: {v!r})"
            found = _diff(v, have[k], f"{path}.{k}")
            if found:
                return found
        return ""
    if isinstance(want, list) and isinstance(have, list):
        if len(want) != len(have):
            return f"{path}: {len(have)} items on the default branch, manifest has {len(want)}"
        for i, (a, b) in enumerate(zip(want, have)):
            found = _diff(a, b, f"{path}[{i}]")
            if found:
                return found
        return ""
    if want != have or isinstance(want, bool) != isinstance(have, bool):
        return f"{path}: default branch has {have!r}, manifest says {want!r}"
    return ""


def first_difference(doc, target, entry) -> str:
    """The first field where the default branch and the manifest disagree, with both values."""
    from atlas.experiments.owned import existing

    m = existing(doc, target, entry)
    if m is None:
        return "entry not found"
    return _diff(entry.value, m.value, m.where) or f"{m.where}: differs"


def live_entries(manifest, template, repos, reader, only: set[str] | None = None) -> list[str]:
    """Where the experiment's entries are still on the default branches ("github path: where")."""
    from atlas.experiments.owned import owned_entries

    out = []
    for target in template.targets_in_data_order():
        if only is not None and target.repo not in only:
            continue
        repo = resolve_repo(repos, target.repo)
        doc = default_branch_document(reader, repo, target)
        if doc is None:
            continue
        for m in owned_entries(doc, target, manifest.id) if target.owner_field else []:
            out.append(f"{repo.github} {target.path}: {m.where}")
    return out


def unaccounted_entries(manifests: list[Manifest], templates: Mapping[str, Template], repos: Mapping[str, Repo],
                        reader: RepoReader) -> list[str]:
    """Entries on the default branches that carry an experiment key no live or concluded
    manifest accounts for (a PR merged by hand, a manifest deleted): one line each."""
    from atlas.experiments.owned import keys_in

    known = {m.id for m in manifests if m.state in ACTIVE_STATES + ("concluded",)}
    for tpl in templates.values():
        known.update(tpl.adopted)
    seen: set[tuple[str, str]] = set()
    out = []
    for tpl in templates.values():
        for target in tpl.targets:
            if not target.owner_field or (target.repo, target.path) in seen:
                continue
            seen.add((target.repo, target.path))
            try:
                repo = resolve_repo(repos, target.repo)
            except ExperimentError:
                continue
            doc = default_branch_document(reader, repo, target)
            if doc is None:
                continue
            for key, found in sorted(keys_in(doc, target).items()):
                if key in known or _historic(found, target):
                    continue
                out.append(f"{repo.github} {target.path}: {found[0].where} carries experiment key {key}, "
                           "which no active manifest accounts for (opened by hand? add its manifest)")
    return out


def _historic(found, target) -> bool:
    """An entry that says it is over (the target's `ended` filter) needs no manifest."""
    from atlas.experiments.select import item_matches

    return bool(target.ended) and all(item_matches(m.value, target.ended) for m in found)


def draft_targets_free(manifests: list[Manifest], templates: Mapping[str, Template], repos: Mapping[str, Repo],
                       reader: RepoReader) -> list[ExperimentVerdict]:
    """Drafts whose targets are no longer free (someone took the variant name or the flag)."""
    from atlas.experiments.plan import make_plan

    active = [(m, templates[m.template]) for m in manifests if m.state in ACTIVE_STATES]
    out = []
    for m in manifests:
        if m.state not in ("draft", "planned"):
            continue
        plan = make_plan(m, templates[m.template], repos, reader, others=active)
        owned = [p for c in plan.checks if c.name == "ownership" for p in c.problems]
        if owned:
            out.append(ExperimentVerdict(m.id, m.state, problems=[f"target not free: {p}" for p in owned]))
    return out


def verify_all(
    manifests: list[Manifest], templates: Mapping[str, Template], repos: Mapping[str, Repo], reader: RepoReader
) -> list[ExperimentVerdict]:
    """Every active experiment, then entries no manifest accounts for, then drafts whose
    targets someone took since."""
    out = []
    for m in manifests:
        if m.state not in ACTIVE_STATES:
            continue
        out.append(verify_experiment(m, templates[m.template], repos, reader))
    stray = unaccounted_entries(manifests, templates, repos, reader)
    if stray:
        out.append(ExperimentVerdict("(unaccounted entries)", "on default branches", problems=stray))
    out += draft_targets_free(manifests, templates, repos, reader)
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
