"""The neighbourhood of one component (upstream, downstream or both, to a depth) and the
ways `atlas graph` prints it: an indented tree, JSON, Graphviz DOT and Mermaid."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from atlas.catalog.model import Catalog

DIRECTIONS = ("upstream", "downstream", "both")


@dataclass(slots=True)
class Neighbourhood:
    root: str
    direction: str
    depth: int | None
    upstream: dict[str, int] = field(default_factory=dict)  # id -> hops
    downstream: dict[str, int] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (dependency, dependent)


def neighbourhood(graph: Any, root: str, direction: str = "both", depth: int | None = None) -> Neighbourhood:
    """Raises the graph's UnknownComponent for an unknown root."""
    n = Neighbourhood(root, direction, depth)
    if direction in ("upstream", "both"):
        n.upstream = graph.upstream(root, depth)
    if direction in ("downstream", "both"):
        n.downstream = graph.downstream(root, depth)
    # each side's edges on its own: an edge from an upstream to a downstream component
    # would bypass the root and is not part of either walk
    seen: set[tuple[str, str]] = set()
    for side in (n.upstream, n.downstream):
        for edge in graph.edges_among([root, *side]):
            if edge not in seen:
                seen.add(edge)
                n.edges.append(edge)
    return n


def to_json(catalog: Catalog, n: Neighbourhood) -> dict[str, Any]:
    def node(cid: str, depth: int, side: str) -> dict[str, Any]:
        c = catalog.components[cid]
        return {"id": cid, "depth": depth, "direction": side, "kind": c.kind, "system": c.system, "owner": c.owner}

    nodes = [node(n.root, 0, "root")]
    nodes += [node(cid, d, "upstream") for cid, d in n.upstream.items()]
    nodes += [node(cid, d, "downstream") for cid, d in n.downstream.items()]
    return {
        "root": n.root,
        "direction": n.direction,
        "depth": n.depth,
        "nodes": nodes,
        "edges": [{"from": a, "to": b} for a, b in n.edges],
    }


@dataclass(slots=True, frozen=True)
class Reached:
    """One component a walk reached: how far, and whether it answers users."""

    id: str
    hops: int
    serves_users: bool


@dataclass(slots=True)
class SystemGroup:
    system: str  # system id ("" for components without one)
    title: str
    reached: list[Reached]


def serving_edge(catalog: Catalog) -> set[str]:
    """The systems where the data reaches users: those with the highest `order` in the
    catalog (the data flow ends there; the catalog's order says so, not the code)."""
    if not catalog.systems:
        return set()
    last = max(s.order for s in catalog.systems.values())
    return {s.id for s in catalog.systems.values() if s.order == last}


def lineage(catalog: Catalog, graph: Any, root: str, direction: str = "downstream") -> list[SystemGroup]:
    """Every component upstream or downstream of `root`, with no depth limit, grouped by
    system in the catalog's system order; inside a system nearest first, then data-flow order."""
    hops = graph.upstream(root) if direction == "upstream" else graph.downstream(root)
    edge = serving_edge(catalog)
    systems = sorted(catalog.systems.values(), key=lambda s: (s.order, s.id))
    rank = {s.id: i for i, s in enumerate(systems)}
    by_system: dict[str, list[Reached]] = {}
    for cid, hop in hops.items():
        system = catalog.components[cid].system
        key = system if system in rank else ""
        by_system.setdefault(key, []).append(Reached(cid, hop, key in edge))
    groups = []
    for key in sorted(by_system, key=lambda k: rank.get(k, len(rank))):
        reached = sorted(by_system[key], key=lambda r: (r.hops, graph.sort_key(r.id)))
        title = catalog.systems[key].name or key if key else "(no system)"
        groups.append(SystemGroup(key, title, reached))
    return groups


def _tree_rows(graph: Any, root: str, hops: dict[str, int], upstream: bool) -> list[tuple[str, str, int]]:
    """(tree prefix, id, hop) rows; each node hangs under its first neighbour one hop nearer."""
    children: dict[str, list[str]] = {}
    for cid, d in hops.items():
        nearer = graph.dependents(cid) if upstream else graph.dependencies(cid)
        parent = next((p for p in nearer if (p == root and d == 1) or hops.get(p) == d - 1), root)
        children.setdefault(parent, []).append(cid)
    for kids in children.values():
        kids.sort(key=graph.sort_key)
    rows: list[tuple[str, str, int]] = []
    stack: list[tuple[str, str, bool]] = [(cid, "", i == len(children.get(root, [])) - 1)
                                          for i, cid in enumerate(children.get(root, []))][::-1]
    while stack:
        cid, indent, last = stack.pop()
        rows.append((indent + ("└─ " if last else "├─ "), cid, hops[cid]))
        kids = children.get(cid, [])
        deeper = indent + ("   " if last else "│  ")
        for i, kid in reversed(list(enumerate(kids))):
            stack.append((kid, deeper, i == len(kids) - 1))
    return rows


def to_text(catalog: Catalog, graph: Any, n: Neighbourhood) -> str:
    comps = catalog.components
    sections: list[tuple[str, list[tuple[str, str, int]]]] = []
    limit = f", depth <= {n.depth}" if n.depth is not None else ""
    if n.direction in ("upstream", "both"):
        sections.append((f"upstream (depends on): {len(n.upstream)}{limit}",
                         _tree_rows(graph, n.root, n.upstream, upstream=True)))
    if n.direction in ("downstream", "both"):
        sections.append((f"downstream (affected if it fails): {len(n.downstream)}{limit}",
                         _tree_rows(graph, n.root, n.downstream, upstream=False)))
    all_rows = [r for _, rows in sections for r in rows]
    name_w = max([len(p) + len(c) for p, c, _ in all_rows] + [4])
    kind_w = max([len(comps[c].kind) for _, c, _ in all_rows] + [4])
    sys_w = max([len(comps[c].system) for _, c, _ in all_rows] + [6])
    root = comps[n.root]
    head = f"{n.root}  {root.kind}"
    if root.system:
        head += f"  system {root.system}"
    if root.owner:
        head += f"  owner {root.owner}"
    lines = [head]
    for title, rows in sections:
        lines.append("")
        lines.append(title)
        if not rows:
            lines.append("  (none)")
        for prefix, cid, hop in rows:
            c = comps[cid]
            lines.append(f"  {prefix + cid:<{name_w}}  hop {hop:<2}  {c.kind:<{kind_w}}  {c.system or '-':<{sys_w}}  "
                         f"{c.owner or '-'}".rstrip())
    if n.direction in ("upstream", "both") and n.depth is None:
        lines += _by_system(catalog, graph, n.root, "upstream")
    if n.direction in ("downstream", "both") and n.depth is None:
        lines += _by_system(catalog, graph, n.root, "downstream")
    return "\n".join(lines) + "\n"


def _by_system(catalog: Catalog, graph: Any, root: str, direction: str) -> list[str]:
    """The same components again, by system, every one of them (no "and N more"): the
    answer to "which serving components go stale if this stops"."""
    groups = lineage(catalog, graph, root, direction)
    if not groups:
        return []
    serving = sum(1 for g in groups for r in g.reached if r.serves_users)
    width = max(len(r.id) for g in groups for r in g.reached)
    lines = ["", f"{direction} by system ({serving} serve users):"]
    for group in groups:
        lines.append(f"  {group.title} ({len(group.reached)})")
        for r in group.reached:
            mark = "  serves users" if r.serves_users else ""
            lines.append(f"    {r.id:<{width}}  hop {r.hops:<2}{mark}".rstrip())
    return lines


def _quote(text: str) -> str:
    return json.dumps(text)  # a DOT/Mermaid-safe double-quoted string


def to_dot(catalog: Catalog, n: Neighbourhood) -> str:
    ids = [n.root, *n.upstream, *n.downstream]
    lines = [f"digraph {_quote(n.root)} {{", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];"]
    for cid in ids:
        c = catalog.components[cid]
        style = ", style=bold" if cid == n.root else ""
        lines.append(f"  {_quote(cid)} [label={_quote(cid + chr(10) + c.kind)}{style}];")
    for a, b in n.edges:
        lines.append(f"  {_quote(a)} -> {_quote(b)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(catalog: Catalog, n: Neighbourhood) -> str:
    ids = [n.root, *n.upstream, *n.downstream]
    key = {cid: f"n{i}" for i, cid in enumerate(ids)}  # Mermaid ids cannot hold every id character
    lines = ["flowchart LR"]
    for cid in ids:
        label = f"{cid}<br/>{catalog.components[cid].kind}"
        lines.append(f"  {key[cid]}[{_quote(label)}]")
    for a, b in n.edges:
        lines.append(f"  {key[a]} --> {key[b]}")
    lines.append(f"  style {key[n.root]} stroke-width:3px")
    return "\n".join(lines) + "\n"
