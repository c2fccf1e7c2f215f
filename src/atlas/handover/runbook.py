"""Runbook scaffolding: `atlas runbook new ID` drafts a runbook from what the catalog knows.

Pre-filled: purpose, owners and escalation, upstream and downstream, every health signal
with its thresholds and Metrics Explorer link, the log filter with its Logs Explorer link.
Left to a person, marked TODO: symptoms, first steps, known issues.

`draft_runbook` is pure text; `write_runbook` writes it without ever replacing an existing
file (the file is created by a hard link from a temp file: atomic, and it fails when
something is already there), inside the workspace only, and records `runbook = "..."` on
the component in its catalog file when it was missing (a tomlkit edit: the rest of the
file keeps its bytes).
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path

from atlas.catalog.model import Catalog, Component
from atlas.catalog.validate import did_you_mean
from atlas.fsutil import atomic_create_text, name_problem, read_regular
from atlas.handover.readiness import new_team_knowledge

TODO = "**TODO**"


class RunbookError(ValueError):
    """One readable line: why no runbook was written."""


class RunbookExists(RunbookError):
    """The component already has a runbook, or the target file exists: nothing is overwritten."""

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.path = path


@dataclass(slots=True)
class RunbookWritten:
    component: str
    path: str  # workspace-relative
    catalog_file: str  # the catalog file edited ("" when the runbook was already declared)
    catalog_updated: bool


def _num(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _thresholds(spec) -> str:
    if spec.warn is None and spec.crit is None:
        return "no thresholds (shown, never alerting)"
    word = "above" if spec.direction == "above" else "below"
    unit = f" {spec.unit}" if spec.unit and spec.unit not in ("1", "ratio") else ""
    parts = []
    if spec.warn is not None:
        parts.append(f"WARN {word} {_num(spec.warn)}{unit}")
    if spec.crit is not None:
        parts.append(f"CRIT {word} {_num(spec.crit)}{unit}")
    return ", ".join(parts)


def _team_line(catalog: Catalog, team_id: str) -> str:
    team = catalog.teams.get(team_id)
    if team is None:
        return f"`{team_id}`" if team_id else f"{TODO}: no owner team in the catalog"
    bits = [f"**{team.name or team.id}** (`{team.id}`)"]
    if team.chat:
        bits.append(f"chat {team.chat}")
    bits.append(f"on-call {team.oncall}" if team.oncall else f"on-call {TODO}: not routed yet")
    return ", ".join(bits)


def _person(catalog: Catalog, person_id: str) -> str:
    p = catalog.people.get(person_id)
    if p is None:
        return person_id
    contact = ", ".join(x for x in (p.chat, p.email) if x)
    name = f"{p.name} (`{p.id}`)" if p.name else f"`{p.id}`"
    return f"{name}{', ' + contact if contact else ''}"


def _neighbour(catalog: Catalog, cid: str) -> str:
    c = catalog.components.get(cid)
    if c is None:
        return f"`{cid}`"
    runbook = f", runbook {c.runbook}" if c.runbook else ""
    return f"`{cid}` ({c.kind}, owner {c.owner or '-'}{runbook})"


def draft_runbook(catalog: Catalog, graph, component_id: str, today: _dt.date) -> str:
    """The Markdown of a new runbook for one component, from the catalog alone."""
    from atlas.health.links import logs_explorer_url, metrics_explorer_url
    from atlas.health.specs import signals_of

    c = catalog.components[component_id]
    system = catalog.systems.get(c.system)
    project = c.project
    lines: list[str] = [f"# Runbook: {c.id}", ""]
    lines += [f"> Drafted by `atlas runbook new {c.id}` from the catalog on {today.isoformat()}. "
              f"Everything marked {TODO} needs someone who knows {c.id}; the rest comes from the "
              "catalog: fix it there, not only here.", ""]

    lines += ["## Purpose", "", c.description or f"{TODO}: one paragraph on what {c.id} does and who relies on it.", ""]
    facts = [("kind", c.kind + (f" ({c.mode})" if c.mode else "")),
             ("system", f"{system.name} (`{system.id}`)" if system else (c.system or "-")),
             ("project", project or "-"), ("tier", str(c.tier))]
    if c.schedule:
        facts.append(("schedule", f"`{c.schedule}`"))
    repo = catalog.repos.get(c.repo)
    if repo:
        url = repo.url or f"https://github.com/{repo.github}"
        facts.append(("repo", f"[{repo.github}]({url})"))
    for name, url in c.links.items():
        facts.append((name, f"<{url}>"))
    lines += ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in facts] + [""]

    lines += ["## Owners and escalation", "", f"- Owner: {_team_line(catalog, c.owner)}"]
    h = c.handover
    if h is not None and h.previous_owner:
        until = f", supports it until {h.support_until.isoformat()}" if h.support_until else ""
        lines.append(f"- Previous owner: {h.previous_owner} (stage {h.stage}{until})")
        if h.contact:
            lines.append(f"- Ask: {_person(catalog, h.contact)}")
    known = new_team_knowledge(catalog, c)
    if known:
        lines.append("- Who knows it: " + ", ".join(f"{p} ({lvl})" for p, lvl in known))
    else:
        lines.append(f"- Who knows it: nobody recorded yet ({TODO}: `atlas handover learn {c.id} --person ID --level LEVEL`)")
    lines += ["", "Escalation, in order:", ""]
    step = 1
    team = catalog.teams.get(c.owner)
    lines.append(f"{step}. The owner's on-call: {team.oncall if team and team.oncall else TODO + ' (no on-call routed)'}")
    step += 1
    if h is not None and h.contact and h.previous_owner:
        until = f" (until {h.support_until.isoformat()})" if h.support_until else ""
        lines.append(f"{step}. {h.previous_owner}: {h.contact}{until}")
        step += 1
    lines += [f"{step}. {TODO}: who decides when the product is degraded for users", ""]

    lines += ["## Upstream and downstream", ""]
    ups = graph.dependencies(c.id)
    downs = graph.dependents(c.id)
    lines.append("Depends on (upstream, check these first when data is late):")
    lines += [f"- {_neighbour(catalog, u)}" for u in ups] or ["- nothing: data enters here"]
    lines += ["", "Feeds (downstream, what goes stale or wrong when this breaks):"]
    lines += [f"- {_neighbour(catalog, d)}" for d in downs] or ["- nothing downstream"]
    blast = graph.blast_radius(c.id)
    if blast.size:
        per = "; ".join(f"{sid or 'no system'}: {len(ids)}" for sid, ids in blast.by_system.items())
        lines += ["", f"Blast radius: {blast.size} component{'s' if blast.size != 1 else ''} downstream ({per})."]
    lines.append("")

    lines += ["## Health signals", ""]
    specs = signals_of(catalog, c)
    if not specs:
        lines += [f"None declared for kind {c.kind}. {TODO}: add a `[[signal]]` template (docs/catalog-format.md).", ""]
    for spec in specs:
        template = catalog.signals.get(spec.id)
        lines += [f"### {spec.name} (`{spec.id}`)", ""]
        if template is not None and template.description:
            lines.append(template.description)
            lines.append("")
        if spec.uses_logs:
            lines.append(f"- Query: log entries matching `{spec.log_filter}` in {spec.window} s")
        else:
            lines.append(f"- Query: `{spec.metric_type}` on `{spec.resource_type}`, "
                         f"{spec.aligner} / {spec.reducer} every {spec.alignment_period} s over {spec.window} s")
        lines.append(f"- Thresholds: {_thresholds(spec)}")
        if spec.problem:
            lines.append(f"- {TODO}: cannot be queried yet: {spec.problem}")
        elif project:
            lines.append(f"- [Metrics Explorer]({metrics_explorer_url(project, spec)})")
        lines.append("")

    lines += ["## Logs", ""]
    log_filter = catalog.log_filter_for(c)
    if log_filter and project:
        errors = f"{log_filter} AND severity>=ERROR"
        lines += ["```", log_filter, "```", "",
                  f"- [Logs Explorer]({logs_explorer_url(project, log_filter)})",
                  f"- [Errors only]({logs_explorer_url(project, errors)})", ""]
    else:
        lines += [f"No log filter for kind {c.kind}. {TODO}: add a `[[log_filter]]` template.", ""]

    lines += [
        "## Symptoms", "",
        f"{TODO}: what an alert, a user or a downstream team sees when {c.id} breaks, and which signal above fires first.",
        "",
        "## First steps", "",
        f"1. {TODO}: how to confirm it is {c.id} and not an upstream dependency (see above).",
        f"2. {TODO}: the safe mitigation (restart, rerun, roll back, drain) and how to verify it worked.",
        f"3. {TODO}: when to escalate, and to whom.",
        "",
        "## Known issues", "",
        f"{TODO}: recurring failures and their fixes (open issues: label `component:{c.id}`).",
        "",
    ]
    return "\n".join(lines)


def runbook_target(catalog: Catalog, component: Component) -> str:
    """Where the runbook goes: its declared path, else runbooks/<id>.md (workspace-relative)."""
    return component.runbook or f"runbooks/{component.id}.md"


def _confined(workspace: Path, rel: str) -> Path:
    problem = name_problem(workspace / rel)  # before the file system answers ENAMETOOLONG
    if problem:
        raise RunbookError(f"runbook path {rel[:60]}...: {problem}")
    # os.path.realpath: Path.resolve() raises RuntimeError on a loop of symlinks
    full = Path(os.path.realpath(workspace / rel))
    try:
        full.relative_to(os.path.realpath(workspace))
    except ValueError:
        raise RunbookError(f"runbook path {rel} is outside the workspace {workspace}") from None
    return full


def _drafted_for(full: Path, component_id: str) -> bool:
    """Whether `full` is a draft `atlas runbook new` wrote for this component (a run that
    was killed before it recorded the path in the catalog): then a re-run finishes the job."""
    try:
        head = read_regular(full, 1 << 20).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    lines = head.split("\n", 3)
    return (len(lines) >= 3 and lines[0] == f"# Runbook: {component_id}"
            and lines[2].startswith(f"> Drafted by `atlas runbook new {component_id}`"))


def write_runbook(catalog: Catalog, graph, component_id: str, today: _dt.date) -> RunbookWritten:
    """Draft and write the runbook; raise RunbookExists / RunbookError with one readable line."""
    from atlas.catalog.writeback import WritebackError, set_in_entity

    c = catalog.components.get(component_id)
    if c is None:
        hint = did_you_mean(component_id, catalog.components)
        raise RunbookError(f"unknown component {component_id!r}" + (f" ({hint})" if hint else ""))
    workspace = Path(catalog.workspace)
    rel = runbook_target(catalog, c)
    full = _confined(workspace, rel)
    try:
        exists = os.path.lexists(full)
    except OSError as exc:
        raise RunbookError(f"cannot check {rel}: {exc.strerror or exc}") from None
    if c.runbook and exists:
        raise RunbookExists(f"{c.id} already has a runbook: {rel}", rel)
    # two steps, two files: the runbook, then the catalog. A kill between them leaves our
    # own draft undeclared; recognising it makes the re-run finish instead of refusing
    resumed = exists and _drafted_for(full, c.id)
    if exists and not resumed:
        raise RunbookExists(f"{rel} already exists; not overwriting it (set runbook = \"{rel}\" on component "
                            f"{c.id} to use it)", rel)
    if not resumed:
        text = draft_runbook(catalog, graph, c.id, today)
        try:
            atomic_create_text(full, text)
        except FileExistsError:
            raise RunbookExists(f"{rel} appeared meanwhile; not overwriting it", rel) from None
        except OSError as exc:
            raise RunbookError(f"cannot write {rel}: {exc.strerror or exc}") from None
    if c.runbook:
        return RunbookWritten(c.id, rel, "", False)
    if c.source is None:
        raise RunbookError(f"wrote {rel}, but component {c.id} has no catalog file to record it in")
    try:
        set_in_entity(c.source, "component", c.id, ["runbook"], rel)
    except WritebackError as exc:
        raise RunbookError(f"wrote {rel}, but could not record it in the catalog: {exc}") from None
    c.runbook = rel  # keep the loaded catalog in step with the file
    return RunbookWritten(c.id, rel, str(c.source), True)
