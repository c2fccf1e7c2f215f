"""Apply: turn a checked plan into one branch, one commit and one pull request per repo,
cross-linked, ready for review and labelled; and `rollback`, which removes what a failed
run made.

Every phase reconciles with what GitHub already has (branch there with the right files?
PR for the branch already open? body already right?), so a re-run after success changes
nothing and never opens a second PR, and a re-run after a failure resumes where it stopped.
The journal records each write before and after it, which is what rollback trusts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from atlas.catalog.model import Repo
from atlas.experiments.errors import ExperimentError, ForgeError
from atlas.experiments.forge import Forge
from atlas.experiments.forge_pulls import PrInfo
from atlas.experiments.journal import Journal
from atlas.experiments.manifest import Manifest, PullRef, record_prs, set_state
from atlas.experiments.plan import Plan, make_plan
from atlas.experiments.prbody import CheckLine, SetMember, commit_message, pr_body, pr_title
from atlas.experiments.template import Template
from atlas.experiments.token import scrub

LABEL = "experiment"
LABEL_MAX = 50  # GitHub refuses longer label names (github/docs#32156)
DRAFTS_REFUSED = "draft pull requests are not supported"  # 422 on some plans (SWE-agent/SWE-agent#179)


def experiment_label(experiment_id: str) -> str:
    """`exp:<id>`, shortened with a stable hash when it would pass GitHub's 50 characters."""
    import hashlib

    label = f"exp:{experiment_id}"
    if len(label) <= LABEL_MAX:
        return label
    digest = hashlib.sha1(experiment_id.encode()).hexdigest()[:8]
    return f"exp:{experiment_id[: LABEL_MAX - 4 - 9]}~{digest}"


@dataclass(frozen=True, slots=True)
class Progress:
    repo: str
    step: str
    status: str  # "start" | "done" | "skip"
    detail: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass(slots=True)
class ApplyResult:
    experiment: str
    prs: dict[str, PrInfo] = field(default_factory=dict)  # repo id -> PR, data order
    changed: list[str] = field(default_factory=list)  # "repo: what" for every write made

    @property
    def no_op(self) -> bool:
        return not self.changed


class PlanRefused(ExperimentError):
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        super().__init__("; ".join(plan.problems))


class BaseMoved(ExperimentError):
    pass


def _role(plan: Plan, repo: str) -> str:
    """What the change is in this repo, for titles and the sibling table."""
    names = [f.target.title or f.target.name for f in plan.files if f.repo == repo]
    return ", ".join(dict.fromkeys(names)) or repo


class Applier:
    def __init__(
        self,
        manifest: Manifest,
        template: Template,
        repos: Mapping[str, Repo],
        forge: Forge,
        journal: Journal,
        progress: ProgressFn | None = None,
        others: list = (),
    ) -> None:
        self.others = list(others)
        self.m = manifest
        self.t = template
        self.repos = repos
        self.forge = forge
        self.j = journal
        self.progress = progress or (lambda p: None)
        self.result = ApplyResult(manifest.id)

    def _say(self, repo: str, step: str, status: str, detail: str = "") -> None:
        self.progress(Progress(repo, step, status, scrub(detail)))

    # ------------------------------------------------------------------ phases

    def plan(self) -> Plan:
        pinned = {r: v["base_sha"] for r, v in self.j.data["repos"].items() if v.get("base_sha")}
        plan = make_plan(self.m, self.t, self.repos, self.forge, bases=pinned, others=self.others)
        if not plan.ok:
            raise PlanRefused(plan)
        planned = self.j.planned_bases
        for f in plan.files:
            if f.repo in pinned or f.repo not in planned:
                continue
            if planned[f.repo] != f.base_sha:
                raise BaseMoved(
                    f"{f.github}: {f.branch} moved since plan ({planned[f.repo][:12]} -> {f.base_sha[:12]}); "
                    f"run `atlas experiment plan {self.m.id}` again to review the new diff"
                )
        return plan

    def branch(self, plan: Plan, repo: str) -> str:
        """Make sure `atlas/exp/<id>` holds exactly the experiment's files; returns its head."""
        changes = plan.changes_for(repo)
        github = changes[0].github
        base = changes[0].base_sha
        files = {c.path: c.after for c in changes}
        name = self.m.branch
        self._say(repo, "branch", "start", name)
        head = self.forge.branch_sha(github, name)
        if head is not None:
            if all(self.forge.read_file(github, p, head) == text for p, text in files.items()):
                self.j.update(repo, github=github, base_sha=self.j.repo(repo).get("base_sha", base), head_sha=head)
                self._say(repo, "branch", "skip", "already up to date")
                return head
            if not self.j.started(repo, "create-branch"):
                raise ExperimentError(
                    f"{github}: branch {name} exists with other content and was not made by atlas; "
                    "delete it or give the experiment another id"
                )
            # Moving the branch is a force-push: only over a commit atlas made itself, never
            # over one a reviewer pushed since.
            made = self.j.repo(repo)
            ours = {made.get("head_sha"), made.get("commit")}
            if repo in self.m.prs:
                ours.add(self.m.prs[repo].head_sha)
            if head not in ours:
                raise ExperimentError(
                    f"{github}: branch {name} has commits atlas did not make (head {head[:12]}); "
                    "fold them into the manifest, or delete the branch, then apply again"
                )
        self.j.update(repo, github=github, base_sha=base)
        with self.j.step(repo, "commit"):
            sha = self.forge.commit_files(github, base, files, commit_message(self.m, _role(plan, repo), list(files)))
        self.j.update(repo, commit=sha)
        if head is None:
            with self.j.step(repo, "create-branch", name):
                try:
                    self.forge.create_branch(github, name, sha)
                except ForgeError as exc:
                    # A retried POST whose first attempt did land: adopt the branch if it is ours.
                    if exc.status != 422 or self.forge.branch_sha(github, name) is None:
                        raise
                    self.forge.move_branch(github, name, sha)
            self.result.changed.append(f"{repo}: created branch {name}")
        else:
            with self.j.step(repo, "move-branch", name):
                self.forge.move_branch(github, name, sha)
            self.result.changed.append(f"{repo}: updated branch {name}")
        self.j.update(repo, head_sha=sha)
        self._say(repo, "branch", "done", sha[:12])
        return sha

    def pull(self, plan: Plan, repo: str) -> PrInfo:
        changes = plan.changes_for(repo)
        github, base_branch = changes[0].github, changes[0].branch
        self._say(repo, "pull request", "start")
        existing = self.forge.find_prs(github, self.m.branch)
        live = [p for p in existing if p.state == "open" or p.merged]
        if live:
            pr = min(live, key=lambda p: p.number)
            self.j.update(repo, pr_number=pr.number, pr_url=pr.url)
            self._say(repo, "pull request", "skip", pr.url)
            return pr
        title = pr_title(self.m, _role(plan, repo))
        body = f"Experiment {self.m.id}: opened by atlas; the description is filled in once all PRs exist.\n"
        with self.j.step(repo, "create-pr"):
            try:
                try:
                    pr = self.forge.create_pr(github, title=title, body=body, head=self.m.branch, base=base_branch,
                                              draft=True)
                except ForgeError as exc:
                    if exc.status != 422 or DRAFTS_REFUSED not in str(exc).lower():
                        raise
                    # drafts refused here: open it ready; the body says it is being filled in
                    self._say(repo, "pull request", "start", "drafts not supported: opening it ready")
                    pr = self.forge.create_pr(github, title=title, body=body, head=self.m.branch,
                                              base=base_branch, draft=False)
            except ForgeError as exc:
                if exc.status != 422:
                    raise
                again = [p for p in self.forge.find_prs(github, self.m.branch) if p.state == "open"]
                if not again:
                    raise
                pr = again[0]
        self.j.update(repo, pr_number=pr.number, pr_url=pr.url, pr_created=True)
        self.result.changed.append(f"{repo}: opened {'draft ' if pr.draft else ''}PR #{pr.number}")
        self._say(repo, "pull request", "done", pr.url)
        return pr

    def members(self, plan: Plan, prs: dict[str, PrInfo]) -> list[SetMember]:
        return [
            SetMember(
                repo=r,
                github=prs[r].github,
                role=_role(plan, r),
                number=prs[r].number,
                url=prs[r].url,
                state="merged" if prs[r].merged else ("closed" if prs[r].state == "closed" else "open"),
                files=tuple(c.path for c in plan.changes_for(r)),
            )
            for r in prs
        ]

    def finish(self, plan: Plan, prs: dict[str, PrInfo]) -> None:
        members = self.members(plan, prs)
        checks = check_lines(plan.checks)
        for repo, pr in prs.items():
            if pr.merged:
                continue
            body = pr_body(self.m, self.t, members, repo, previous=pr.body, checks=checks)
            if pr.body != body:
                self._say(repo, "description", "start")
                with self.j.step(repo, "edit-body"):
                    self.forge.edit_body(pr.github, pr.number, body)
                pr.body = body
                self.result.changed.append(f"{repo}: wrote the set into PR #{pr.number}")
                self._say(repo, "description", "done")
        for repo, pr in prs.items():
            if pr.draft and not pr.merged:
                self._say(repo, "ready for review", "start")
                with self.j.step(repo, "mark-ready"):
                    self.forge.mark_ready(pr.github, pr.number)
                pr.draft = False
                self.result.changed.append(f"{repo}: marked PR #{pr.number} ready for review")
                self._say(repo, "ready for review", "done")
        labels = [LABEL, experiment_label(self.m.id)]
        for repo, pr in prs.items():
            missing = [label for label in labels if label not in pr.labels]
            if missing and not pr.merged:
                self._say(repo, "labels", "start")
                with self.j.step(repo, "labels"):
                    self.forge.add_labels(pr.github, pr.number, missing)
                pr.labels += missing
                self.result.changed.append(f"{repo}: labelled PR #{pr.number}")
                self._say(repo, "labels", "done")

    def record(self, prs: dict[str, PrInfo]) -> None:
        """Write the PRs into the manifest, only when something differs (a no-op stays one)."""
        refs = {
            r: PullRef(
                repo=r,
                github=p.github,
                number=p.number,
                url=p.url,
                branch=self.m.branch,
                head_sha=self.j.repo(r).get("head_sha", p.head_sha),
                base_sha=self.j.repo(r).get("base_sha", ""),
            )
            for r, p in prs.items()
        }
        merged = [p for p in prs.values() if p.merged]
        state = "merged" if merged and len(merged) == len(prs) else ("partially-merged" if merged else "open")
        if refs == self.m.prs and state == self.m.state:
            return
        if self.m.path is not None:
            record_prs(self.m.path, refs, state=state)
        self.m.prs, self.m.state = refs, state

    # ------------------------------------------------------------------ the whole run

    def run(self) -> ApplyResult:
        self.j.start_run()
        try:
            plan = self.plan()
            changed = plan.repos_in_data_order()
            # Repos already merged (no change left on their default branch) stay in the set.
            order = {f.repo: f.target.order for f in plan.files}
            repos = sorted(set(changed) | set(self.m.prs), key=lambda r: (order.get(r, 99), r))
            if not changed and not self.m.prs:
                raise ExperimentError(
                    f"{self.m.id}: every default branch already has the experiment's entries; nothing to open"
                )
            if self.m.state in ("draft", "aborted") and self.m.path is not None:
                set_state(self.m.path, "planned")
                self.m.state = "planned"
            for repo in changed:
                self.branch(plan, repo)
            prs = {}
            for repo in repos:
                if repo in changed:
                    prs[repo] = self.pull(plan, repo)
                else:
                    merged = [p for p in self.forge.find_prs(self.m.prs[repo].github, self.m.branch) if p.merged]
                    if merged:
                        prs[repo] = merged[0]
            self.record(prs)
            self.finish(plan, prs)
            self.record(prs)
            self.result.prs = prs
        except BaseException as exc:
            self.j.finish_run("failed", str(exc))
            raise
        self.j.finish_run("done")
        return self.result


def check_lines(checks) -> list[CheckLine]:
    """The plan's checks for the PR body's checklist: ticked only when they ran and passed."""
    return [CheckLine(c.title, c.status, c.unchecked) for c in checks]


def apply_experiment(
    manifest: Manifest,
    template: Template,
    repos: Mapping[str, Repo],
    forge: Forge,
    journal: Journal,
    progress: ProgressFn | None = None,
    others: list = (),
) -> ApplyResult:
    """Open (or reconcile) the experiment's pull requests; see the module docstring.
    `others`: the catalog's other active (manifest, template) pairs, for plan's conflicts."""
    return Applier(manifest, template, repos, forge, journal, progress, others).run()


# Kept importable from here: the CLI and tests call apply.rollback / apply.discover_set.
from atlas.experiments.rollback import discover_set, rollback  # noqa: E402,F401
