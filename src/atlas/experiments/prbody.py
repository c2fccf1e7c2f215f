"""Pull request titles and bodies: every PR of an experiment carries the whole set (a table
of siblings with links and states), `Depends-On:` lines that Zuul and Mergify understand
(each PR depends on the ones upstream of it in data order), the experiment summary and a
checklist. The body is a pure function of the set, so a re-run produces the same bytes."""

from __future__ import annotations

from dataclasses import dataclass

from atlas.experiments.manifest import Manifest
from atlas.experiments.template import Template

MARKER = "<!-- atlas:experiment {id} -->"


@dataclass(frozen=True, slots=True)
class SetMember:
    repo: str  # catalog repo id
    github: str
    role: str
    number: int
    url: str
    state: str  # open | merged | closed
    files: tuple[str, ...] = ()


def pr_title(manifest: Manifest, role: str) -> str:
    what = {"pipeline": "enable feature flag", "training": "add training variant", "serving": "add experiment arms"}
    return f"[{manifest.id}] {what.get(role, 'experiment change')}"


def commit_message(manifest: Manifest, role: str, files: list[str]) -> str:
    lines = [pr_title(manifest, role), "", f"Experiment {manifest.id} (atlas). Files:"]
    lines += [f"- {f}" for f in files]
    return "\n".join(lines) + "\n"


def pr_body(manifest: Manifest, template: Template, members: list[SetMember], this_repo: str) -> str:
    me = next(m for m in members if m.repo == this_repo)
    lines = [MARKER.format(id=manifest.id), f"## Experiment `{manifest.id}`", ""]
    lines.append(f"Part of a set of {len(members)} pull requests opened together by atlas "
                 f"(template `{template.id}`, model `{template.model}`). Merge them in data order: "
                 "pipeline, then training, then serving (`atlas experiment merge "
                 f"{manifest.id}`).")
    lines += ["", "| # | repo | role | pull request | state |", "|---|---|---|---|---|"]
    for i, m in enumerate(members, 1):
        here = " (this PR)" if m.repo == this_repo else ""
        lines.append(f"| {i} | {m.github} | {m.role} | [#{m.number}]({m.url}){here} | {m.state} |")
    upstream = [m for m in members if members.index(m) < members.index(me)]
    if upstream:
        lines.append("")
        lines += [f"Depends-On: {m.url}" for m in upstream]
    lines += ["", "### Summary", ""]
    if manifest.hypothesis:
        lines.append(f"**Hypothesis:** {manifest.hypothesis}")
        lines.append("")
    if manifest.owner:
        lines.append(f"**Owner:** {manifest.owner}")
    lines.append(f"**Coverage:** {manifest.coverage:g} of users")
    lines += ["", "| arm | weight | parameters |", "|---|---|---|"]
    for arm in manifest.arms:
        if arm.control:
            params = "production (control)"
        else:
            params = ", ".join(f"{k}={v}" for k, v in arm.params.items())
        lines.append(f"| {arm.name} | {arm.weight:g} | {params} |")
    lines += ["", "### Checklist", ""]
    lines.append("- [x] Cross-repo checks passed (`atlas experiment plan`)")
    for m in members:
        lines.append(f"- [ ] {m.github}#{m.number} reviewed ({m.role})")
    lines.append("- [ ] Merge in data order with `atlas experiment merge`")
    lines.append("- [ ] After merging: `atlas experiment verify` is green")
    return "\n".join(lines) + "\n"
