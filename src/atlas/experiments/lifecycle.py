"""After apply: one view of the set (status), merge in data order with a head-sha guard,
and abort. A set that is merged in some repos and not others is the dangerous state
(experiment data is being collected on a half-deployed change), so it is named loudly."""

from __future__ import annotations

from dataclasses import dataclass, field

from atlas.experiments.errors import ExperimentError, ForgeError
from atlas.experiments.forge import Forge, PrInfo
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


def merge_set(manifest: Manifest, template: Template, forge: Forge) -> MergeReport:
    """Merge pipeline, then training, then serving, each only at the head sha apply
    recorded; stop at the first failure."""
    if manifest.state == "aborted":
        raise ExperimentError(f"{manifest.id} was aborted; apply it again before merging")
    report = MergeReport()
    order = data_order(manifest, template)
    if not order:
        raise ExperimentError(f"{manifest.id}: no pull requests recorded yet; run `atlas experiment apply {manifest.id}`")
    for i, repo in enumerate(order):
        ref = manifest.prs[repo]
        try:
            pr = forge.get_pr(ref.github, ref.number)
            if pr.merged:
                report.already.append(repo)
                continue
            if pr.state == "closed":
                raise ExperimentError(f"{ref.github}#{ref.number} is closed")
            if pr.draft:
                raise ExperimentError(f"{ref.github}#{ref.number} is still a draft")
            expected = ref.head_sha or pr.head_sha
            if pr.head_sha != expected:
                raise ExperimentError(
                    f"{ref.github}#{ref.number}: head moved since apply ({expected[:12]} -> {pr.head_sha[:12]}); "
                    "review the new commits, then re-run apply to record them"
                )
            forge.merge_pr(ref.github, ref.number, expected, f"Merge {manifest.id} ({repo})")
            report.merged.append(repo)
        except (ExperimentError, ForgeError) as exc:
            report.failure = f"{repo}: {exc}"
            report.not_merged = order[i:]
            break
    done = len(report.merged) + len(report.already)
    if manifest.path is not None and manifest.prs:
        state = "merged" if done == len(order) else ("partially-merged" if done else manifest.state)
        if state != manifest.state:
            set_state(manifest.path, state)
            manifest.state = state
    return report


def render_merge(manifest: Manifest, report: MergeReport) -> str:
    lines = []
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


def abort_set(manifest: Manifest, template: Template, forge: Forge) -> list[str]:
    """Close the open PRs, delete their branches, mark the manifest aborted."""
    if not manifest.prs:
        raise ExperimentError(
            f"{manifest.id}: no pull requests recorded; to clean up after a failed apply use "
            f"`atlas experiment apply {manifest.id} --rollback`"
        )
    lines = []
    merged = []
    for repo in data_order(manifest, template):
        ref = manifest.prs[repo]
        pr = forge.get_pr(ref.github, ref.number)
        if pr.merged:
            merged.append(repo)
            lines.append(f"{repo}: #{pr.number} is ALREADY MERGED; revert it by hand")
            continue
        if pr.state == "open":
            forge.close_pr(ref.github, ref.number)
            lines.append(f"{repo}: closed #{pr.number}")
        if forge.delete_branch(ref.github, manifest.branch):
            lines.append(f"{repo}: deleted branch {manifest.branch}")
    # A merged part is live on a default branch: the experiment stays active, so `verify`
    # keeps failing CI until the revert lands, instead of forgetting a half-deployed change.
    state = "partially-merged" if merged else "aborted"
    if merged:
        lines.append(f"!!! PARTIALLY MERGED: {', '.join(merged)} stay(s) live; state kept at partially-merged "
                     f"so `atlas experiment verify` fails until the merged change is reverted")
    if manifest.path is not None:
        set_state(manifest.path, state)
    manifest.state = state
    return lines
