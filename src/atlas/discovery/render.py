"""Proposals as text, JSON or TOML (pure: strings out)."""

from __future__ import annotations

import datetime as _dt
import json

from atlas.discovery.compare import Proposals
from atlas.discovery.model import Evidence


def _ev(evidence: list[Evidence]) -> list[dict]:
    return [{"source": e.source, "where": e.where, "detail": e.detail} for e in evidence]


def to_json(p: Proposals) -> dict:
    return {
        "components": [{"id": c.id, "kind": c.kind, "mode": c.finding.mode or None, "known": c.known,
                        "system": c.system or None, "owner": c.owner or None, "repo": c.repo or None,
                        "labels": dict(sorted(c.finding.labels.items())), "evidence": _ev(c.finding.evidence)}
                       for c in p.components],
        "edges": [{"from": e.upstream, "to": e.downstream, "known": e.known, "evidence": _ev(e.evidence)}
                  for e in p.edges],
        "owners": [{"component": o.component, "team": o.team, "declared": o.declared or None, "agrees": o.agrees,
                    "evidence": _ev(o.evidence)} for o in p.owners],
        "knowledge": [{"component": k.component, "person": k.person, "name": k.finding.name,
                       "commits": k.finding.commits,
                       "last_commit": _dt.datetime.fromtimestamp(k.finding.last_commit, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "level": k.finding.level, "declared": k.declared or None,
                       "bus_factor": {"measured": k.measured_bus_factor, "declared": k.declared_bus_factor},
                       "evidence": _ev(k.finding.evidence)} for k in p.knowledge],
        "drift": [{"kind": d.kind, "component": d.component, "message": d.message, "evidence": _ev(d.evidence)}
                  for d in p.drift],
        "drift_unchecked": list(p.drift_unchecked),  # live reads that failed: drift unknown there
        "notes": list(p.notes),
    }


def to_json_text(p: Proposals) -> str:
    return json.dumps(to_json(p), indent=2) + "\n"


def to_text(p: Proposals, *, show_known: bool = False) -> str:
    lines: list[str] = []
    new_c, new_e = p.new_components, p.new_edges
    lines.append(f"components: {len(new_c)} new, {len(p.components) - len(new_c)} already in the catalog")
    for c in p.components:
        if c.known and not show_known:
            continue
        mark = "=" if c.known else "+"
        where = c.finding.evidence[0] if c.finding.evidence else "(no evidence)"
        lines.append(f"  {mark} {c.id} ({c.kind}{', ' + c.finding.mode if c.finding.mode else ''}): {where}")
    lines.append(f"edges: {len(new_e)} new, {len(p.edges) - len(new_e)} already in the catalog")
    for e in p.edges:
        if e.known and not show_known:
            continue
        mark = "=" if e.known else "+"
        lines.append(f"  {mark} {e.downstream} depends on {e.upstream}: {e.evidence[0] if e.evidence else ''}")
    differing = [o for o in p.owners if o.declared and not o.agrees]
    lines.append(f"owners: {len(p.owners)} suggested by CODEOWNERS, {len(differing)} differ from the catalog")
    for o in differing:
        lines.append(f"  ~ {o.component}: catalog says {o.declared}, CODEOWNERS {o.team} ({o.evidence[0]})")
    if p.knowledge:
        lines.append(f"knowledge: {len(p.knowledge)} entries from git history")
        for k in p.knowledge:
            declared = f", catalog says {k.declared}" if k.declared else ", not in the catalog"
            lines.append(f"  {k.component}: {k.person} {k.finding.commits} commits -> {k.finding.level}{declared} "
                         f"(bus factor measured {k.measured_bus_factor}, declared {k.declared_bus_factor})")
    if p.drift:
        lines.append(f"drift: {len(p.drift)}")
        for d in p.drift:
            lines.append(f"  ! {d.kind} {d.component}: {d.message}")
    if p.drift_unchecked:
        lines.append(f"drift NOT CHECKED: {len(p.drift_unchecked)} live read(s) failed; what they cover is unknown")
        for why in p.drift_unchecked:
            lines.append(f"  ? {why}")
    return "\n".join(lines) + "\n"


def to_toml(p: Proposals, catalog=None) -> str:
    """New components as [[component]] tables; new edges of existing components as comments."""
    import tomlkit

    from atlas.discovery.entries import component_table, evidence_comment

    doc = tomlkit.document()
    doc.add(tomlkit.comment("Proposed by atlas discover: review, then merge with --write"))
    new_ids = {c.id for c in p.new_components}
    for e in p.new_edges:
        if e.downstream not in new_ids:
            doc.add(tomlkit.comment(f"{e.downstream}: depends_on += \"{e.upstream}\"  ({evidence_comment(e)})"))
    aot = tomlkit.aot()
    projects = catalog.projects if catalog is not None else ()
    for c in p.new_components:
        edges = [e for e in p.new_edges if e.downstream == c.id]
        system = catalog.systems.get(c.system) if catalog is not None else None
        aot.append(component_table(c, edges, system=c.system, owner=c.owner, projects=projects,
                                   system_project=system.project if system else ""))
    if len(aot):
        doc.append("component", aot)
    return doc.as_string()
