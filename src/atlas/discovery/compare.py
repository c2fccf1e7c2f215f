"""Match what discovery found against a catalog: proposals (what the catalog lacks, each with
its evidence, and whether the catalog already has it) and drift (declared but not observed,
observed but not declared).

A finding is the catalog component of the same kind whose key label names the same
resource (`subscription_id`, `job_name`, ...), else the component with the same id. A
proposal a person rejected (the catalog's [[rejected_proposal]] entries) is not proposed
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from atlas.catalog.model import Catalog, Component
from atlas.discovery.model import ComponentFinding, Evidence, Findings, KnowledgeFinding, key_of


@dataclass(slots=True)
class ComponentProposal:
    finding: ComponentFinding
    id: str  # the catalog id (existing) or the id it would get
    known: bool
    system: str = ""  # where --write would put it ("" = discovered.toml)
    owner: str = ""  # from CODEOWNERS, when that team exists in the catalog
    repo: str = ""  # the catalog's repo id for the artifact's repo ("" when it has none)

    @property
    def kind(self) -> str:
        return self.finding.kind


@dataclass(slots=True)
class EdgeProposal:
    upstream: str  # catalog ids
    downstream: str
    evidence: list[Evidence]
    known: bool


@dataclass(slots=True)
class OwnerProposal:
    component: str
    team: str
    declared: str  # the catalog's owner ("" when none or a new component)
    evidence: list[Evidence]

    @property
    def agrees(self) -> bool:
        return self.team == self.declared


@dataclass(slots=True)
class KnowledgeProposal:
    component: str
    person: str  # catalog person id when the author maps to one, else the git email
    finding: KnowledgeFinding
    declared: str  # the level the catalog records ("" when none)
    measured_bus_factor: int
    declared_bus_factor: int


@dataclass(slots=True)
class Drift:
    kind: str  # not-observed | unowned | edge-not-declared
    component: str  # catalog id, or the live resource name for unowned
    message: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Proposals:
    components: list[ComponentProposal] = field(default_factory=list)
    edges: list[EdgeProposal] = field(default_factory=list)
    owners: list[OwnerProposal] = field(default_factory=list)
    knowledge: list[KnowledgeProposal] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    drift_unchecked: list[str] = field(default_factory=list)  # live reads that failed: drift unknown there
    notes: list[str] = field(default_factory=list)

    @property
    def new_components(self) -> list[ComponentProposal]:
        return [c for c in self.components if not c.known]

    @property
    def new_edges(self) -> list[EdgeProposal]:
        return [e for e in self.edges if not e.known]


def rejected_keys(catalog: Catalog | None) -> set[tuple[str, str]]:
    """(component, depends_on or '') pairs a person rejected."""
    out = set()
    for entry in getattr(catalog, "rejected_proposals", None) or ():
        if isinstance(entry, dict) and entry.get("component"):
            out.add((str(entry["component"]), str(entry.get("depends_on", ""))))
    return out


def match_index(catalog: Catalog | None) -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for comp in (catalog.components.values() if catalog else ()):
        key = key_of(comp.kind, comp.labels, comp.mode)
        if key:
            index.setdefault((comp.kind, key), comp.id)
    return index


def compare(findings: Findings, catalog: Catalog | None) -> Proposals:
    out = Proposals(notes=list(findings.notes))
    comps = catalog.components if catalog else {}
    index = match_index(catalog)
    rejected = rejected_keys(catalog)
    ids: dict[str, str] = {}  # finding id -> catalog id (or the id it would get)
    for f in findings.components.values():
        cid = index.get((f.kind, key_of(f.kind, f.labels, f.mode)))
        if cid is None and f.id in comps and comps[f.id].kind == f.kind:
            cid = f.id
        ids[f.id] = cid or f.id
    systems = _system_by_repo(catalog)
    for f in sorted(findings.components.values(), key=lambda c: c.id):
        cid = ids[f.id]
        known = cid in comps
        if not known and (cid, "") in rejected:
            continue
        owner = findings.owners.get(f.id)
        team = owner.team if owner and (catalog is None or owner.team in catalog.teams) else ""
        repo = _repo_id(catalog, f.repo)
        out.components.append(ComponentProposal(f, cid, known, systems.get(repo, ""), team, repo))
    for (up, down), edge in sorted(findings.edges.items()):
        u, d = ids.get(up, up), ids.get(down, down)
        if (d, u) in rejected:
            continue
        known = d in comps and u in comps[d].depends_on
        out.edges.append(EdgeProposal(u, d, list(edge.evidence), known))
    for fid, owner in sorted(findings.owners.items()):
        cid = ids.get(fid, fid)
        declared = comps[cid].owner if cid in comps else ""
        out.owners.append(OwnerProposal(cid, owner.team, declared, list(owner.evidence)))
    out.knowledge = _knowledge(findings.knowledge, ids, catalog)
    return out


def _repo_id(catalog: Catalog | None, short: str) -> str:
    if catalog is None or not short:
        return short
    for repo in catalog.repos.values():
        if repo.id == short or repo.github.rsplit("/", 1)[-1] == short:
            return repo.id
    return ""


def _system_by_repo(catalog: Catalog | None) -> dict[str, str]:
    """A repo's components mostly live in one system: new ones from that repo go there too."""
    if catalog is None:
        return {}
    votes: dict[str, dict[str, int]] = {}
    for comp in catalog.components.values():
        if comp.repo and comp.system:
            votes.setdefault(comp.repo, {}).setdefault(comp.system, 0)
            votes[comp.repo][comp.system] += 1
    return {repo: max(sorted(v), key=lambda s: v[s]) for repo, v in votes.items()}


def _person(catalog: Catalog | None, email: str, name: str) -> str:
    if catalog is not None:
        for person in catalog.people.values():
            if person.email and person.email.lower() == email:
                return person.id
        first = name.split()[0].lower() if name.split() else ""
        if first in catalog.people:
            return first
    return email


def _knowledge(found: list[KnowledgeFinding], ids: dict[str, str], catalog: Catalog | None) -> list[KnowledgeProposal]:
    by_comp: dict[str, list[KnowledgeFinding]] = {}
    for k in found:
        by_comp.setdefault(ids.get(k.component, k.component), []).append(k)
    out = []
    for cid, entries in sorted(by_comp.items()):
        comp: Component | None = catalog.components.get(cid) if catalog else None
        declared = dict(comp.handover.knowledge) if comp and comp.handover else {}
        total = sum(k.commits for k in entries)
        measured = sum(1 for k in entries if total and k.commits * 5 >= total)
        declared_bf = sum(1 for lvl in declared.values() if lvl in ("can-debug", "expert"))
        for k in entries:
            pid = _person(catalog, k.person, k.name)
            out.append(KnowledgeProposal(cid, pid, k, declared.get(pid, ""), measured, declared_bf))
    return out
