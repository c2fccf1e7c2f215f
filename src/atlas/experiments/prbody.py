"""Pull request titles and bodies. atlas owns one marked section of each body, between
`<!-- atlas:experiment ID -->` and `<!-- atlas:end -->`: the set of sibling PRs (links and
states), `Depends-On:` lines that Zuul and Mergify understand, the summary and a checklist.
Everything outside the markers is the reviewers' and is never touched; a box a reviewer
ticked inside the section stays ticked when atlas rewrites it. The section is a pure
function of the set, so a re-run produces the same bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from atlas.experiments.manifest import Manifest
from atlas.experiments.template import Template

MARKER = "<!-- atlas:experiment {id} -->"
END = "<!-- atlas:end -->"
_BOX = re.compile(r"^(\s*- \[)([ xX])(\] )(.*)$")


@dataclass(frozen=True, slots=True)
class SetMember:
    repo: str  # catalog repo id
    github: str
    role: str  # what the change is in this repo (the target's title or name)
    number: int
    url: str
    state: str  # open | merged | closed
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckLine:
    title: str
    status: str  # ok | unchecked | fail
    why: str = ""


def pr_title(manifest: Manifest, what: str) -> str:
    return f"[{manifest.id}] {what or 'experiment change'}"


def commit_message(manifest: Manifest, what: str, files: list[str]) -> str:
    lines = [pr_title(manifest, what), "", f"Experiment {manifest.id} (atlas). Files:"]
    lines += [f"- {f}" for f in files]
    return "\n".join(lines) + "\n"


def section(manifest: Manifest, template: Template, members: list[SetMember], this_repo: str,
            checks: list[CheckLine] | None = None) -> str:
    me = next(m for m in members if m.repo == this_repo)
    lines = [MARKER.format(id=manifest.id), f"## Experiment `{manifest.id}`", ""]
    order = " → ".join(m.role for m in members)
    lines.append(f"Part of a set of {len(members)} pull requests opened together by atlas "
                 f"(template `{template.id}`, model `{template.model}`). Merge them in data order "
                 f"({order}) with `atlas experiment merge {manifest.id}`.")
    lines += ["", "| # | repo | change | pull request | state |", "|---|---|---|---|---|"]
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
        params = "production (control)" if arm.control else ", ".join(f"{k}={v}" for k, v in arm.params.items())
        lines.append(f"| {arm.name} | {arm.weight:g} | {params} |")
    lines += ["", "### Checklist", ""]
    # only what was checked is ticked; a check that could not run says so, unticked
    for c in checks or []:
        if c.status == "ok":
            lines.append(f"- [x] {c.title} (checked by `atlas experiment plan`)")
        else:
            lines.append(f"- [ ] {c.title}: NOT CHECKED ({c.why})")
    for m in members:
        lines.append(f"- [ ] {m.github}#{m.number} reviewed ({m.role})")
    lines.append("- [ ] Merge in data order with `atlas experiment merge`")
    lines.append("- [ ] After merging: `atlas experiment verify` is green")
    if template.watch:  # where the experiment's numbers are: the watch reads them once traffic flows
        lines.append(f"- [ ] Once traffic flows: `atlas experiment watch {manifest.id}` is OK "
                     "(sample ratio, guardrails per arm, served model, fresh feature)")
    lines.append(END)
    return "\n".join(lines)


def _ticked(old_section: str) -> set[str]:
    out = set()
    for line in old_section.splitlines():
        m = _BOX.match(line)
        if m and m.group(2) in "xX":
            out.add(m.group(4).strip())
    return out


def split_body(body: str, experiment_id: str) -> tuple[str, str, str] | None:
    """(before, atlas section, after), or None when the body has no atlas section."""
    start = body.find(MARKER.format(id=experiment_id))
    if start < 0:
        return None
    end = body.find(END, start)
    if end < 0:  # a truncated section: atlas's part runs to the end
        return body[:start], body[start:], ""
    end += len(END)
    return body[:start], body[start:end], body[end:]


def pr_body(manifest: Manifest, template: Template, members: list[SetMember], this_repo: str,
            previous: str = "", checks: list[CheckLine] | None = None) -> str:
    """The whole body: `previous` with only atlas's section replaced (added when missing);
    boxes ticked in the old section stay ticked."""
    new = section(manifest, template, members, this_repo, checks)
    parts = split_body(previous or "", manifest.id)
    if parts is None:
        before, old, after = "", "", ("\n\n" + previous.strip("\n") + "\n") if previous.strip() else "\n"
        if previous.startswith("Experiment ") and "opened by atlas" in previous:
            after = "\n"  # atlas's own placeholder from PR creation
    else:
        before, old, after = parts
        after = after if after else "\n"
    ticked = _ticked(old)
    if ticked:
        kept = []
        for line in new.splitlines():
            m = _BOX.match(line)
            if m and m.group(2) == " " and m.group(4).strip() in ticked:
                line = f"{m.group(1)}x{m.group(3)}{m.group(4)}"
            kept.append(line)
        new = "\n".join(kept)
    return before + new + after


_ROW = re.compile(r"^(\| \d+ \| [^|]+ \| [^|]+ \| \[#\d+\]\()([^)]+)(\)[^|]*\| )([a-z-]+)( \|)$")


def refresh_states(body: str, experiment_id: str, states: dict[str, str]) -> str:
    """The sibling table's state column brought up to date ({pr url: state}); nothing else
    in the body changes, inside the section or out."""
    parts = split_body(body, experiment_id)
    if parts is None:
        return body
    before, sec, after = parts
    lines = []
    for line in sec.splitlines():
        m = _ROW.match(line)
        if m and m.group(2) in states:
            line = f"{m.group(1)}{m.group(2)}{m.group(3)}{states[m.group(2)]}{m.group(5)}"
        lines.append(line)
    return before + "\n".join(lines) + after
