"""Plan: read every target file from its repo's default branch, compute the experiment's
edits, show one unified diff per file and run the checks. Pure apart from the reader it is
given (the forge against GitHub, or a dict in tests and the wizard's preview)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol

from atlas.catalog.model import Repo
from atlas.experiments.checks import CheckResult, TargetDoc, check_manifest, check_repos, merge_results
from atlas.experiments.edits import apply_edit, load_document
from atlas.experiments.errors import EditError, ExperimentError
from atlas.experiments.expand import Entry, target_entries
from atlas.experiments.manifest import Manifest
from atlas.experiments.template import Template, TargetSpec


class RepoReader(Protocol):
    def head_sha(self, github: str, branch: str) -> str: ...

    def read_file(self, github: str, path: str, ref: str) -> str | None: ...


@dataclass(slots=True)
class FileChange:
    """One target file: its text on the default branch and after the experiment's edit."""

    repo: str  # catalog repo id
    github: str
    branch: str  # default branch
    base_sha: str
    target: TargetSpec
    entries: list[Entry]
    before: str
    after: str

    @property
    def path(self) -> str:
        return self.target.path

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"a/{self.path}",
                f"b/{self.path}",
            )
        )


@dataclass(slots=True)
class Plan:
    manifest: Manifest
    template: Template
    files: list[FileChange] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # files that could not be read or edited

    @property
    def problems(self) -> list[str]:
        return self.errors + [p for c in self.checks for p in c.blocking]

    @property
    def warnings(self) -> list[str]:
        """Checks that could not run and need not hold: said, never shown as ok."""
        return [f"{c.title}: not checked: {c.unchecked}" for c in self.checks if c.status == "unchecked" and not c.must]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bases(self) -> dict[str, str]:
        """repo id -> default-branch sha the diffs were computed against."""
        return {f.repo: f.base_sha for f in self.files}

    def repos_in_data_order(self) -> list[str]:
        seen: list[str] = []
        for f in sorted(self.files, key=lambda f: f.target.order):
            if f.changed and f.repo not in seen:
                seen.append(f.repo)
        return seen

    def changes_for(self, repo: str) -> list[FileChange]:
        return [f for f in self.files if f.repo == repo and f.changed]


def resolve_repo(repos: Mapping[str, Repo], repo_id: str) -> Repo:
    repo = repos.get(repo_id)
    if repo is None:
        raise ExperimentError(f"repo {repo_id!r} is not in the catalog ([[repo]] with id = \"{repo_id}\")")
    return repo


def make_plan(
    manifest: Manifest,
    template: Template,
    repos: Mapping[str, Repo],
    reader: RepoReader,
    *,
    bases: Mapping[str, str] | None = None,
    others: list[tuple[Manifest, Template]] = (),
) -> Plan:
    """Read, edit, diff and check. `bases` pins a repo to a sha (resume after a plan);
    `others` are the catalog's other active experiments (a second one on the same flag,
    variant or traffic is refused)."""
    from atlas.experiments.conflicts import ownership_problems, traffic_problems

    plan = Plan(manifest=manifest, template=template, checks=check_manifest(manifest, template))
    heads: dict[str, str] = dict(bases or {})
    docs: list[TargetDoc] = []
    before_docs: dict[str, tuple[str, object]] = {}
    ownership = CheckResult("ownership")
    for target in template.targets_in_data_order():
        try:
            repo = resolve_repo(repos, target.repo)
        except ExperimentError as exc:
            plan.errors.append(str(exc))
            continue
        where = f"{repo.github} {target.path}"
        try:
            if target.repo not in heads:
                heads[target.repo] = reader.head_sha(repo.github, repo.default_branch)
            before = reader.read_file(repo.github, target.path, heads[target.repo])
            if before is None:
                plan.errors.append(f"{where}: file not found on {repo.default_branch}")
                continue
            entries = target_entries(target, manifest, template)
            before_doc = load_document(target.format, before)
            before_docs[target.name] = (where, before_doc)
            ownership.problems += ownership_problems(where, before_doc, target, entries, manifest, others)
            if any(p.startswith(where) for p in ownership.problems):
                continue  # never compute an edit that would replace what others own
            after = apply_edit(target.format, target.op, before, entries)
            doc = load_document(target.format, after)
        except EditError as exc:
            plan.errors.append(f"{where}: {exc}")
            continue
        plan.files.append(
            FileChange(
                repo=target.repo,
                github=repo.github,
                branch=repo.default_branch,
                base_sha=heads[target.repo],
                target=target,
                entries=entries,
                before=before,
                after=after,
            )
        )
        docs.append(TargetDoc(target, repo.github, doc, entries, applies=bool(entries)))
    ownership.problems += traffic_problems(manifest, template, before_docs, others)
    if not plan.errors and not ownership.problems:
        plan.checks = merge_results([ownership], plan.checks, check_repos(manifest, template, docs))
    else:
        plan.checks = merge_results([ownership], plan.checks)
    return plan


def render_plan(plan: Plan) -> str:
    """The text `atlas experiment plan` prints: diffs per repo, then the checks."""
    out: list[str] = [f"experiment {plan.manifest.id} (template {plan.template.id})", ""]
    for f in plan.files:
        head = f"== {f.github} ({f.repo}) {f.path} @ {f.branch} {f.base_sha[:12]}"
        out.append(head)
        out.append(f.diff.rstrip("\n") if f.changed else "(no change)")
        out.append("")
    out.append("checks:")
    for c in plan.checks:
        mark = {"ok": "ok  ", "fail": "FAIL", "unchecked": "????"}[c.status]
        out.append(f"  {mark} {c.title}")
        for p in c.problems:
            out.append(f"       - {p}")
        if c.status == "unchecked":
            out.append(f"       - not checked: {c.unchecked}" + (" (must hold: refused)" if c.must else ""))
    for e in plan.errors:
        out.append(f"  FAIL {e}")
    return "\n".join(out) + "\n"


def plan_to_json(plan: Plan) -> dict:
    return {
        "experiment": plan.manifest.id,
        "template": plan.template.id,
        "ok": plan.ok,
        "files": [
            {
                "repo": f.repo,
                "github": f.github,
                "path": f.path,
                "branch": f.branch,
                "base_sha": f.base_sha,
                "changed": f.changed,
                "diff": f.diff,
            }
            for f in plan.files
        ],
        "checks": [{"name": c.name, "title": c.title, "ok": c.ok, "status": c.status, "problems": c.problems,
                    "not_checked": c.unchecked or None, "must": c.must} for c in plan.checks],
        "errors": plan.errors,
        "warnings": plan.warnings,
    }


def default_branch_document(reader: "RepoReader", repo: Repo, target: TargetSpec) -> Any:
    """A target file as it is on its repo's default branch, as plain data; None when the
    file is missing or does not parse (callers that must report that read it themselves)."""
    text = reader.read_file(repo.github, target.path, reader.head_sha(repo.github, repo.default_branch))
    if text is None:
        return None
    try:
        return load_document(target.format, text)
    except EditError:
        return None
