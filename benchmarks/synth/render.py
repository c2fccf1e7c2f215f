"""Render a built Generator as the real catalog format: TOML files and runbooks."""

from __future__ import annotations

from pathlib import Path

from .shape import Comp
from .signals import signals_toml
from .tomltext import inline, q, q_list
from .topology import Generator

RUNBOOK = """# {id}

A {kind} in the {system} system, owned by {owner}.

## When it alerts

1. Check its health in atlas (`atlas show {id}`) and what is upstream of it.
2. Read the recent errors (`atlas logs {id}`).
3. If upstream is healthy, restart or re-run it; otherwise follow the upstream runbook.

## Escalation

Page {owner} on-call.
"""


def write_workspace(gen: Generator, out: Path) -> tuple[int, int]:
    """Write catalog/ and runbooks/ under `out`; returns (catalog files, runbooks)."""
    catalog = out / "catalog"
    (catalog / "systems").mkdir(parents=True, exist_ok=True)
    files = 0

    def put(path: Path, text: str) -> None:
        nonlocal files
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1

    put(catalog / "atlas.toml", _atlas_toml(gen))
    put(catalog / "teams.toml", _teams_toml(gen))
    put(catalog / "projects.toml", _projects_toml(gen))
    put(catalog / "signals.toml", signals_toml())
    by_system: dict[str, list[Comp]] = {}
    for c in gen.components:
        by_system.setdefault(c.system, []).append(c)
    for s, system in enumerate(gen.systems):
        put(catalog / "systems" / f"{system}.toml", _system_toml(gen, s, system, by_system.get(system, [])))
    runbooks = 0
    for c in gen.components:
        if c.runbook:
            put(out / c.runbook, RUNBOOK.format(id=c.id, kind=c.kind, system=c.system, owner=c.owner))
            runbooks += 1
    return files - runbooks, runbooks


def _atlas_toml(gen: Generator) -> str:
    return (
        "# Synthetic catalog written by benchmarks/generate.py: do not edit by hand.\n"
        "[atlas]\n"
        f"name = {q(f'synthetic-{gen.n}')}\n"
        f"description = {q(f'{gen.n} generated components in {gen.n_systems} systems')}\n"
        f"default_project = {q(gen.systems[0] + '-prod')}\n"
    )


def _teams_toml(gen: Generator) -> str:
    out = []
    for team in gen.teams:
        out.append(
            f"[[team]]\nid = {q(team)}\nname = {q(team.replace('-', ' ').title())}\n"
            f"chat = {q('#' + team)}\noncall = {q('pagerduty:PD-' + team.upper())}\n"
        )
    out.append('[[team]]\nid = "recs-core"\nname = "Recs Core (previous owners)"\nnew_owner = false\n')
    for person, team in gen.people:
        first = person.split("-")[0].title()
        out.append(
            f"[[person]]\nid = {q(person)}\nname = {q(first + ' ' + person.split('-', 1)[1])}\n"
            f"team = {q(team)}\nemail = {q(person + '@example.com')}\n"
        )
    for person in gen.old_team_people:
        out.append(f"[[person]]\nid = {q(person)}\nname = {q(person.title())}\nteam = \"recs-core\"\n")
    return "\n".join(out)


def _projects_toml(gen: Generator) -> str:
    out = []
    for system in gen.systems:
        out.append(f"[[project]]\nid = {q(system + '-prod')}\nregion = \"us-central1\"\n")
        out.append(
            f"[[repo]]\nid = {q(system)}\ngithub = {q('synthetic/' + system)}\ndefault_branch = \"main\"\n"
        )
    return "\n".join(out)


def _system_toml(gen: Generator, s: int, system: str, comps: list[Comp]) -> str:
    out = [
        f"[[system]]\nid = {q(system)}\nname = {q(system.title())}\n"
        f"owner = {q(gen.team_for(s, 'dataflow_job'))}\nproject = {q(system + '-prod')}\n"
        f"order = {s + 1}\ndescription = {q('Synthetic system ' + str(s + 1))}\n"
    ]
    for c in comps:
        lines = [
            "[[component]]",
            f"id = {q(c.id)}",
            f"kind = {q(c.kind)}",
            f"system = {q(system)}",
            f"owner = {q(c.owner)}",
        ]
        if c.deps:
            lines.append(f"depends_on = {q_list(c.deps)}")
        if c.mode:
            lines.append(f"mode = {q(c.mode)}")
        if c.runbook:
            lines.append(f"runbook = {q(c.runbook)}")
        lines.append(f"repo = {q(system)}")
        lines.append(f"tier = {c.tier}")
        if c.schedule:
            lines.append(f"schedule = {q(c.schedule)}")
        lines.append(f"description = {q(c.kind.replace('_', ' ') + ' of ' + system)}")
        if c.labels:
            lines.append(f"labels = {inline(c.labels)}")
        if c.handover:
            h = c.handover
            lines += [
                "",
                "[component.handover]",
                f"previous_owner = {q(h['previous_owner'])}",
                f"stage = {q(h['stage'])}",
                f"support_until = {h['support_until'].isoformat()}",
                f"contact = {q(h['contact'])}",
            ]
            if h["knowledge"]:
                lines.append(f"knowledge = {inline(h['knowledge'])}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)
