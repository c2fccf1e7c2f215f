"""After apply: one view of the set (status), merge in data order with a head-sha guard,
and abort. A set that is merged in some repos and not others is the dangerous state
(experiment data is being collected on a half-deployed change), so it is named loudly."""

from __future__ import annotations

from dataclasses import dataclass, field

from atlas.experiments.errors import ExperimentError, ForgeError
from atlas.experiments.forge import Forge
from atlas.experiments.forge_pulls import PrInfo
from atlas.experiments.manifest import Manifest, set_state
from atlas.experiments.template import Template

PARTIAL_BANNER = "!!! PARTIALLY MERGED !!!"


def data_order(manifest: Manifest, template: Template) -> list[str]:
    """The manifest's PR repos, pipeline -> training -> serving (the template's order)."""
    order = {t.repo: t.order for t in template.targets}
    return sorted(manifest.prs, key=lambda r: (order.get(r, 99), r))


@dataclass(slots=True)
class SetStatus:
    experiment: str
    prs: list[tuple[str, PrInfo]] = field(default_factory=list)  # (repo id, PR) in data order

    @property
    def merged(self) -> list[str]:
        return [r for r, p in self.prs if p.merged]

    @property
    def unmerged(self) -> list[str]:
        return [r for r, p in self.prs if not p.merged]

    @property
    def overall(self) -> str:
        if not self.prs:
            return "no pull requests"
        if all(p.merged for _, p in self.prs):
            return "merged"
        if self.merged:
            return "partially-merged"
        if any(p.state == "closed" for _, p in self.prs):
            return "closed"
        return "open"

    @property
    def partial(self) -> bool:
        return self.overall == "partially-merged"


def set_status(manifest: Manifest, template: Template, forge: Forge, *, details: bool = True) -> SetStatus:
    if not manifest.prs:
        raise ExperimentError(f"{manifest.id}: no pull requests recorded yet; run `atlas experiment apply {manifest.id}`")
    status = SetStatus(manifest.id)
    for repo in data_order(manifest, template):
        ref = manifest.prs[repo]
        status.prs.append((repo, forge.get_pr(ref.github, ref.number, details=details)))
    return status


def sync_state(manifest: Manifest, status: SetStatus) -> None:
    """Record merged / partially-merged in the manifest when GitHub says so."""
    new = {"merged": "merged", "partially-merged": "partially-merged"}.get(status.overall)
    if new and manifest.state not in (new, "aborted") and manifest.path is not None:
        set_state(manifest.path, new)
        manifest.state = new


def render_status(status: SetStatus) -> str:
    lines = []
    if status.partial:
        lines += [
            PARTIAL_BANNER,
            f"merged: {', '.join(status.merged)}; NOT merged: {', '.join(status.unmerged)}",
            f"finish with `atlas experiment merge {status.experiment}` or revert the merged PRs",
            "",
        ]
    lines.append(f"experiment {status.experiment}: {status.overall}")
    for repo, pr in status.prs:
        # review and checks only matter while the PR can still be merged
        extra = ""
        if not pr.merged and pr.state != "closed":
            extra = ", ".join(x for x in (pr.review, f"checks {pr.checks}" if pr.checks else "") if x)
        lines.append(f"  {repo:<16} #{pr.number:<5} {pr.display_state:<8} {extra:<32} {pr.url}")
    return "\n".join(lines) + "\n"


@dataclass(slots=True)
class MergeReport:
    merged: list[str] = field(default_factory=list)  # merged by this run
    already: list[str] = field(default_factory=list)
    not_merged: list[str] = field(default_factory=list)
    failure: str = ""
    gates: list[str] = field(default_factory=list)  # every reason a PR may not merge yet


def gate(pr: PrInfo, method: str, allowed: list[str]) -> list[str]:
    """Why this PR must not merge now ([] when it may): GitHub's own mergeability, every
    check run and commit status on its head, an approving review, and the merge method."""
    where = f"{pr.github}#{pr.number}"
    out = []
    if pr.state == "closed":
        return [f"{where} is closed"]
    if pr.draft:
        out.append(f"{where} is still a draft")
    failing = [n for n, s in pr.check_details if s == "failure"]
    pending = [n for n, s in pr.check_details if s == "pending"]
    if failing:
        out.append(f"{where}: failing checks: {', '.join(failing)}")
    if pending:
        out.append(f"{where}: checks still running: {', '.join(pending)}")
    if pr.review != "approved":
        out.append(f"{where}: review is {pr.review or 'unknown'}; an approval is required")
    if pr.mergeable is False or pr.mergeable_state == "dirty":
        out.append(f"{where}: has merge conflicts with its base")
    elif pr.mergeable is None:
        out.append(f"{where}: GitHub has not computed mergeability yet; try again in a moment")
    elif pr.mergeable_state == "blocked":
        out.append(f"{where}: blocked by branch protection (required checks or reviews)")
    if method not in allowed:
        out.append(f"{where}: merge method {method} is not allowed there (allowed: {', '.join(allowed) or 'none'})")
    return out


def _method(template: Template, repo: str, allowed: list[str]) -> str:
    chosen = next((t.merge_method for t in template.targets if t.repo == repo and t.merge_method), "")
    return chosen or (allowed[0] if allowed else "merge")


def _wait_ready(forge: Forge, github: str, branch: str, spec, clock, sleep) -> str:
    """Bounded wait for a declared readiness: a check run or commit status named spec["check"]
    succeeding on the default branch's head (e.g. the model alias registered). "" when ready."""
    name, timeout = spec["check"], float(spec.get("timeout_s", 600))
    interval = float(spec.get("interval_s", 10))
    deadline = clock() + timeout
    while True:
        sha = forge.head_sha(github, branch)
        state = dict(forge.check_results(github, sha)).get(name, "")
        if state == "success":
            return ""
        if state == "failure":
            return f"{github}: readiness check {name} failed on {branch} ({sha[:12]})"
        if clock() >= deadline:
            return f"{github}: readiness check {name} not green on {branch} after {timeout:g}s ({state or 'not reported'})"
        sleep(interval)


def merge_set(manifest: Manifest, template: Template, forge: Forge, *, clock=None, sleep=None) -> MergeReport:
    """Check every PR first (checks, reviews, mergeability, merge method) and merge none
    unless all pass; then merge in data order, each at the head sha apply recorded, with the
    repo's merge method, waiting between steps for a target's declared readiness."""
    import time

    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    if manifest.state == "aborted":
        raise ExperimentError(f"{manifest.id} was aborted; apply it again before merging")
    report = MergeReport()
    order = data_order(manifest, template)
    if not order:
        raise ExperimentError(f"{manifest.id}: no pull requests recorded yet; run `atlas experiment apply {manifest.id}`")
    plan: list[tuple[str, PrInfo, str]] = []
    for repo in order:
        ref = manifest.prs[repo]
        pr = forge.get_pr(ref.github, ref.number, details=True)
        if pr.merged:
            report.already.append(repo)
            continue
        allowed = forge.merge_methods(ref.github)
        method = _method(template, repo, allowed)
        problems = gate(pr, method, allowed)
        expected = ref.head_sha or pr.head_sha
        if pr.head_sha != expected:
            problems.append(f"{ref.github}#{ref.number}: head moved since apply ({expected[:12]} -> "
                            f"{pr.head_sha[:12]}); review the new commits, then re-run apply to record them")
        report.gates += problems
        plan.append((repo, pr, method))
    if report.gates:
        report.failure = f"{len(report.gates)} gate(s) not met; nothing was merged"
        report.not_merged = [r for r, _, _ in plan]
        return report
    for i, (repo, pr, method) in enumerate(plan):
        ref = manifest.prs[repo]
        try:
            forge.merge_pr(ref.github, ref.number, ref.head_sha or pr.head_sha, f"Merge {manifest.id} ({repo})", method)
            report.merged.append(repo)
            spec = next((t.wait_for for t in template.targets if t.repo == repo and t.wait_for), None)
            if spec and i + 1 < len(plan):
                why = _wait_ready(forge, ref.github, pr.base_ref, spec, clock, sleep)
                if why:
                    raise ExperimentError(why)
        except (ExperimentError, ForgeError) as exc:
            report.failure = f"{repo}: {exc}"
            report.not_merged = [r for r, _, _ in plan[i:]] if repo not in report.merged else [r for r, _, _ in plan[i + 1:]]
            break
    done = len(report.merged) + len(report.already)
    if manifest.path is not None and manifest.prs:
        state = "merged" if done == len(order) else ("partially-merged" if done else manifest.state)
        if state != manifest.state:
            set_state(manifest.path, state, merged_at=time.time() if state == "merged" else None)
            manifest.state = state
    return report


def render_merge(manifest: Manifest, report: MergeReport) -> str:
    lines = []
    if report.gates:
        lines.append(f"merge REFUSED: {report.failure}")
        lines += [f"  - {g}" for g in report.gates]
        return "\n".join(lines) + "\n"
    if report.failure:
        merged = report.already + report.merged
        if merged:
            lines.append(PARTIAL_BANNER)
        lines.append(f"merge STOPPED: {report.failure}")
        lines.append(f"merged: {', '.join(merged) or 'none'}; NOT merged: {', '.join(report.not_merged)}")
        if merged:
            lines.append("the set is split: fix the failure and run merge again, or revert the merged PRs")
    else:
        for repo in report.already:
            lines.append(f"{repo}: already merged")
        for repo in report.merged:
            lines.append(f"{repo}: merged")
        lines.append(f"{manifest.id}: all pull requests merged")
    return "\n".join(lines) + "\n"


def abort_set(manifest: Manifest, template: Template, forge: Forge, repos=None, reader=None) -> list[str]:
    """Close the open PRs, delete their branches, and mark the manifest aborted only when
    nothing of the experiment is live: a merged part that was reverted by hand (its entries
    gone from the default branch) converges to aborted; one still there is named, and the
    state stays partially-merged so `verify` keeps failing until it is reverted."""
    prs = dict(manifest.prs)
    if not prs and repos is not None:
        from atlas.experiments.apply import discover_set

        for repo_id, found in discover_set(manifest, repos, forge).items():
            pr = found[0]
            from atlas.experiments.manifest import PullRef

            prs[repo_id] = PullRef(repo_id, pr.github, pr.number, pr.url, manifest.branch, pr.head_sha)
    if not prs:
        raise ExperimentError(
            f"{manifest.id}: no pull requests recorded or found on GitHub (branch {manifest.branch}); "
            f"to clean up after a failed apply use `atlas experiment apply {manifest.id} --rollback`"
        )
    lines = []
    merged = []
    order = {t.repo: t.order for t in template.targets}
    for repo in sorted(prs, key=lambda r: (order.get(r, 99), r)):
        ref = prs[repo]
        pr = forge.get_pr(ref.github, ref.number)
        if pr.merged:
            merged.append(repo)
            continue
        if pr.state == "open":
            forge.close_pr(ref.github, ref.number)
            lines.append(f"{repo}: closed #{pr.number}")
        if forge.delete_branch(ref.github, manifest.branch):
            lines.append(f"{repo}: deleted branch {manifest.branch}")
    live: list[str] = []
    if merged:
        if repos is None or reader is None:
            live = [f"{r}: #{prs[r].number} is merged (cannot read the default branch to see a revert)" for r in merged]
        else:
            from atlas.experiments.verify import live_entries

            live = live_entries(manifest, template, repos, reader, only=set(merged))
    state = "partially-merged" if live else "aborted"
    if live:
        lines.append(f"!!! {manifest.id} is NOT aborted: still live on the default branches:")
        lines += [f"  - {x}" for x in live]
        lines.append("revert those changes, then run abort again; state kept at partially-merged")
    elif merged:
        lines.append(f"{', '.join(merged)}: merged, and reverted on the default branch since: nothing left live")
    if manifest.path is not None:
        set_state(manifest.path, state)
    manifest.state = state
    return lines


def conclude(manifest: Manifest) -> str:
    """merged -> concluded: the test ended; its entries may stay on the default branches as
    history (verify accounts for them), and plan no longer counts it as running."""
    if manifest.state != "merged":
        raise ExperimentError(f"{manifest.id} is {manifest.state}; only a merged experiment can be concluded")
    if manifest.path is not None:
        set_state(manifest.path, "concluded")
    manifest.state = "concluded"
    return f"{manifest.id}: concluded"


def refresh_bodies(manifest: Manifest, template: Template, status: SetStatus, forge: Forge) -> list[str]:
    """Bring the sibling table's states in every PR body up to date (atlas's section only)."""
    from atlas.experiments.prbody import refresh_states

    states = {pr.url: ("merged" if pr.merged else "closed" if pr.state == "closed" else "open") for _, pr in status.prs}
    changed = []
    for repo, pr in status.prs:
        body = refresh_states(pr.body, manifest.id, states)
        if body != pr.body:
            forge.edit_body(pr.github, pr.number, body)
            changed.append(repo)
    return changed
