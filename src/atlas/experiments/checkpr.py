"""`atlas experiment check-pr REPO NUMBER`: help for the pull request a person opened by hand.

Reads one PR (anyone's), finds the experiment keys it adds or changes in a template's target
file, looks for sibling PRs in the template's other repos (open PRs whose head has an entry
with the same key, any author), evaluates the template's invariants over the PR heads (and
the default branch where there is no sibling), and says what is missing or disagrees, with
a link to open each missing one. Complete and consistent is the only passing answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from atlas.catalog.model import Repo
from atlas.experiments.checks import CheckResult, TargetDoc, evaluate_invariants
from atlas.experiments.edits import load_document
from atlas.experiments.errors import EditError, ExperimentError
from atlas.experiments.forge import Forge
from atlas.experiments.forge_pulls import PrInfo
from atlas.experiments.owned import keys_in, owned_entries
from atlas.experiments.template import Template

COMMENT_MARKER = "<!-- atlas:check-pr -->"
STATUS_CONTEXT = "atlas/experiment"


@dataclass(slots=True)
class PrCheck:
    github: str
    number: int
    keys: list[str] = field(default_factory=list)
    siblings: dict[str, str] = field(default_factory=dict)  # "github path" -> PR url or "default branch"
    missing: list[str] = field(default_factory=list)  # one line per missing repo, with a link
    checks: list[CheckResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        # a PR that adds or changes no experiment entry (a version bump in the same file) has
        # nothing to be incomplete: failing it would block every such PR behind a required check
        return not self.missing and not self.problems and all(not c.blocking for c in self.checks)

    def render(self) -> str:
        lines = [COMMENT_MARKER, f"### atlas: experiment check for {self.github}#{self.number}", ""]
        if not self.keys:
            lines.append("No experiment entry in a template's target file: nothing to check.")
        for key in self.keys:
            lines.append(f"Experiment key `{key}`.")
        if self.siblings:
            lines += ["", "Found:"] + [f"- {w}: {u}" for w, u in sorted(self.siblings.items())]
        if self.missing:
            lines += ["", "**Missing** (the set is incomplete):"] + [f"- {m}" for m in self.missing]
        lines += ["", "Checks:"]
        for c in self.checks:
            mark = {"ok": "[x]", "fail": "[ ] FAIL", "unchecked": "[ ] NOT CHECKED"}[c.status]
            lines.append(f"- {mark} {c.title}" + (f": {c.unchecked}" if c.status == "unchecked" else ""))
            lines += [f"  - {p}" for p in c.problems]
        lines += [f"- {p}" for p in self.problems]
        if self.ok and not self.keys:
            lines += ["", "Nothing for atlas to check."]
        else:
            lines += ["", "Complete and consistent." if self.ok else "Not complete and consistent yet."]
        return "\n".join(lines) + "\n"


def _doc(fmt: str, text: str | None, problems: list[str] | None = None, where: str = ""):
    """The file as plain data; None when absent or unreadable. A file of this PR that does
    not parse is a problem said with its reason (never "nothing to check")."""
    if text is None:
        return None
    try:
        return load_document(fmt, text)
    except EditError as exc:
        if problems is not None:
            problems.append(f"{where}: cannot read it: {exc}")
        return None


def _html_repo(pr_url: str, github: str) -> str:
    """https://host/owner/name from a PR's html url (github.com or an Enterprise host)."""
    base = pr_url.split("/pull/")[0].rsplit("/", 2)[0] if "/pull/" in pr_url else "https://github.com"
    return f"{base}/{github}"


def check_pr(github: str, number: int, templates: Mapping[str, Template], repos: Mapping[str, Repo],
             forge: Forge) -> PrCheck:
    result = PrCheck(github, number)
    by_github = {r.github.lower(): rid for rid, r in repos.items()}
    repo_id = by_github.get(github.lower())
    if repo_id is None:
        raise ExperimentError(f"{github} is not a repo of the catalog")
    pr = forge.get_pr(github, number)
    files = set(forge.pr_files(github, number))
    base = forge.head_sha(github, pr.base_ref)
    for tpl in templates.values():
        for target in tpl.targets:
            if target.repo != repo_id or target.path not in files or not target.owner_field:
                continue
            head = keys_in(_doc(target.format, forge.read_file(github, target.path, pr.head_sha),
                                result.problems, f"{github} {target.path} at the PR's head"), target)
            before = keys_in(_doc(target.format, forge.read_file(github, target.path, base)), target)
            for key in sorted(set(before) - set(head)):  # the other repos still carry it
                result.problems.append(f"{github} {target.path}: removes experiment entry {key} by hand; end an "
                                       "experiment with `atlas experiment abort` or `conclude` so every repo follows")
            for key, found in head.items():
                if [m.value for m in found] != [m.value for m in before.get(key, [])] and key not in result.keys:
                    result.keys.append(key)
                    _check_key(result, key, tpl, repos, forge, pr)
    return result


def _check_key(result: PrCheck, key: str, tpl: Template, repos: Mapping[str, Repo], forge: Forge, pr: PrInfo) -> None:
    open_cache: dict[str, list[PrInfo]] = {}
    docs: list[TargetDoc] = []
    for target in tpl.targets_in_data_order():
        repo = repos.get(target.repo)
        if repo is None:
            result.problems.append(f"template {tpl.id}: repo {target.repo} is not in the catalog")
            continue
        where = f"{repo.github} {target.path}"
        candidates = [pr] if repo.github.lower() == pr.github.lower() else open_cache.setdefault(
            repo.github, forge.open_prs(repo.github))
        found_doc, found_from = None, ""
        for cand in candidates:
            doc = _doc(target.format, forge.read_file(repo.github, target.path, cand.head_sha))
            if doc is not None and owned_entries(doc, target, key):
                found_doc, found_from = doc, cand.url
                break
        if found_doc is None:
            doc = _doc(target.format, forge.read_file(repo.github, target.path,
                                                     forge.head_sha(repo.github, repo.default_branch)))
            if doc is not None and owned_entries(doc, target, key):
                found_doc, found_from = doc, f"already on {repo.default_branch}"
        if found_doc is None:
            link = f"{_html_repo(pr.url, repo.github)}/compare/{repo.default_branch}...atlas/exp/{key}?expand=1"
            result.missing.append(f"{where}: no entry for {key} in any open PR or on {repo.default_branch}; "
                                  f"open it: {link}")
            docs.append(TargetDoc(target, repo.github, None, [], missing=f"no entry for {key}"))
            continue
        result.siblings[where] = found_from
        docs.append(TargetDoc(target, repo.github, found_doc, []))
    from atlas.experiments.checks import control_context_for

    result.checks += evaluate_invariants(key, tpl, docs, control_context_for(key, tpl))


def publish(check: PrCheck, forge: Forge, *, comment: bool, status: bool, viewer_comments_only: bool = True) -> list[str]:
    """Keep one atlas comment up to date (edited, never duplicated) and/or set the commit
    status a branch protection rule can require. Returns what was done."""
    done = []
    if comment:
        body = check.render()
        # only a comment this token wrote is atlas's to edit: anyone can paste the marker, and
        # a token with write access may edit (and so overwrite) other people's comments
        login = (forge.viewer_login() or "").lower() if viewer_comments_only else ""
        mine = [(cid, text) for cid, author, text in forge.comments(check.github, check.number)
                if COMMENT_MARKER in text and (not login or author.lower() == login)]
        if not mine:
            forge.comment(check.github, check.number, body)
            done.append("comment added")
        elif mine[0][1] != body:
            forge.comment(check.github, check.number, body, edit_id=mine[0][0])
            done.append("comment updated")
        else:
            done.append("comment already up to date")
    if status:
        pr = forge.get_pr(check.github, check.number)
        state = "success" if check.ok else "failure"
        what = ("has no experiment entry to check" if not check.keys else "complete and consistent") if check.ok else (
            f"{len(check.missing)} repo(s) missing" if check.missing else "checks failed or not run")
        forge.set_status(check.github, pr.head_sha, state, STATUS_CONTEXT, f"experiment set {what}")
        done.append(f"status {STATUS_CONTEXT} = {state}")
    return done
