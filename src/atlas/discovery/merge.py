"""`atlas discover --write`: merge proposals into an existing catalog, format-preserving.

- a new component goes to its system's file (the system its repo's components belong to),
  else to discovered.toml in the catalog folder;
- a new edge joins the downstream's depends_on, one line with the evidence as a comment;
- nothing a person wrote is changed: existing owners, tiers, runbooks, handover, labels;
  owner and knowledge proposals are shown, never written;
- `reject` records a [[rejected_proposal]] so that it is never proposed again.
Every file is written atomically through atlas.catalog.writeback.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

from atlas.catalog.model import Catalog
from atlas.catalog.writeback import append_entity, edit_entity
from atlas.discovery.compare import ComponentProposal, EdgeProposal, Proposals
from atlas.discovery.entries import component_table, depends_array

DISCOVERED_FILE = "discovered.toml"
REJECTED_FILE = "rejected.toml"


@dataclass
class WriteResult:
    components: list[str] = field(default_factory=list)  # "id -> file"
    edges: list[str] = field(default_factory=list)  # "down depends on up"
    files: set[Path] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.components or self.edges)


def write_proposals(catalog: Catalog, proposals: Proposals, *, only: set[str] | None = None) -> WriteResult:
    """Write every new component and edge (or only those whose key is in `only`: "id" for a
    component, "down<-up" for an edge). Raises WritebackError (one line) on a file problem."""
    out = WriteResult()
    new = {p.id: p for p in proposals.new_components if only is None or p.id in only}
    known = set(catalog.components) | set(new)
    edges = [e for e in proposals.new_edges if e.upstream in known and e.downstream in known
             and (only is None or edge_key(e) in only or e.downstream in new)]
    by_down: dict[str, list[EdgeProposal]] = {}
    for edge in edges:
        by_down.setdefault(edge.downstream, []).append(edge)
    for cid, prop in sorted(new.items()):
        path = _file_for(catalog, prop)
        system = prop.system if prop.system in catalog.systems else ""
        table = component_table(prop, by_down.pop(cid, []), system=system, owner=prop.owner,
                                system_project=catalog.systems[system].project if system else "",
                                projects=catalog.projects)
        append_entity(path, "component", table)
        out.components.append(f"{cid} -> {path.name}")
        out.files.add(path)
    for down, more in sorted(by_down.items()):
        comp = catalog.components.get(down)
        if comp is None or comp.source is None:
            continue

        def update(entry, more=more) -> None:
            from atlas.catalog.writeback import _set_key

            have = entry.get("depends_on")
            if have is None:
                _set_key(entry, "depends_on", depends_array(more))
            else:
                depends_array(more, existing=have)

        edit_entity(comp.source, "component", down, update)
        out.edges.extend(f"{down} depends on {e.upstream}" for e in more)
        out.files.add(comp.source)
    return out


def edge_key(edge: EdgeProposal) -> str:
    return f"{edge.downstream}<-{edge.upstream}"


def _file_for(catalog: Catalog, prop: ComponentProposal) -> Path:
    system = catalog.systems.get(prop.system)
    if system is not None and system.source is not None:
        return system.source
    return catalog.root / DISCOVERED_FILE


def reject(catalog: Catalog, component: str, depends_on: str = "", *, evidence: str = "", reason: str = "",
           today: _dt.date | None = None) -> Path:
    """Record a rejected proposal (component alone, or the edge component <- depends_on).
    An id that cannot be a component's is refused (a typo would otherwise record a rejection
    of nothing, or of the whole component); one already recorded is not recorded twice."""
    import re

    import tomlkit

    from atlas.catalog.fieldtypes import ID_PATTERN
    from atlas.catalog.writeback import WritebackError
    from atlas.discovery.compare import rejected_keys

    for what, value in (("component", component), ("depends_on", depends_on)):
        if (value or what == "component") and not re.match(ID_PATTERN, value):
            raise WritebackError(f"reject: {what} {value!r} is not a component id (give ID or DOWN<-UP)")
    path = catalog.root / REJECTED_FILE
    if (component, depends_on) in rejected_keys(catalog):
        return path
    entry = tomlkit.table()
    entry.add("component", component)
    if depends_on:
        entry.add("depends_on", depends_on)
    if reason:
        entry.add("reason", reason)
    if evidence:
        entry.add("evidence", evidence[:200])
    entry.add("rejected_on", today or _dt.date.today())
    new_file = not path.exists()
    append_entity(path, "rejected_proposal", entry)
    if new_file:  # say what the file is, once
        text = path.read_text(encoding="utf-8")
        from atlas.fsutil import atomic_write_text

        atomic_write_text(path, "# Discovery proposals a person rejected: `atlas discover` never proposes them again.\n\n"
                          + text)
    catalog.rejected_proposals.append({"component": component, "depends_on": depends_on})  # seen by the next call
    return path
