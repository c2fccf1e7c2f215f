"""Root-cause triage: "what is broken, where did it start, and how sure are we?". Pure: no I/O.

A failing component (WARN, CRIT or STALE) is a probable CAUSE when no failing component
upstream of it began failing before it (within a tolerance for ingestion delay, see
`atlas.health.onset`); upstream counts only through components that are not OK, since a
healthy component in between breaks the chain, except between a recurring run and a
failing step that is part of it (the run's cause line already names its failed step). So
an old failure below a fresh one is its own cause, and an unrelated WARN that started later
does not demote a CRIT.

Every other failing component is a SYMPTOM when a chain from a cause reaches it with every
hop checked (follows the graph, the node deviates, the upstream onset came first); it is
listed under that cause, with the chain as its `path`. A failing component that is not a
cause but whose every chain fails a check is UNEXPLAINED: shown on its own, with the chain
that came closest, never folded under a cause. A check that cannot run (no onset time, no
data) is "unknown", which does not fail the chain but is shown as such.

Causes rank by points that say "this is what broke" and how much it matters (see
`points`): severity, the symptoms it explains, a change merged before its onset, how fresh
the failure is (a WARN that has been on for days is background, not the incident; a
flapping one has no fresh onset at all, see `atlas.health.series`), and the tier; ties go
to the earliest onset, then the blast radius, then the tier (1 first). ERROR and NO_DATA
say nothing about the product, so they neither cause nor hide anything; healthy
components downstream of a cause are "at risk".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from atlas.catalog.model import Catalog
from atlas.catalog.runs import part_of
from atlas.health import detection
from atlas.health.model import ComponentHealth, Status
from atlas.health.onset import DEFAULT_TOLERANCE, PART_OF, Hop, Onsets
from atlas.health.series import Shape

INF = float("inf")
FRESH = 24 * 3600.0  # a failure begun within a day is news; the SRE book's "recently"


@dataclass(slots=True)
class TriageItem:
    component: str
    status: Status
    reason: str
    role: str  # "cause" | "symptom" | "unexplained"
    symptoms: list[TriageItem] = field(default_factory=list)
    owner: str = ""  # team id
    runbook: str | None = None  # workspace-relative path
    blast_radius: int = 0  # causes: how many components are downstream
    oncall: str = ""
    chat: str = ""
    tier: int = 2
    hops: int = 0  # symptoms: distance from their cause
    at_risk: list[str] = field(default_factory=list)  # causes: healthy components downstream
    since: float | None = None  # epoch s when its current status began; None: cannot tell
    path: list[Hop] = field(default_factory=list)  # symptoms, unexplained: cause -> ... -> it
    changes: list[Any] = field(default_factory=list)  # causes: atlas.health.changes.Change
    changes_note: str = "not looked up"  # why `changes` may be incomplete; "" when the lookup ran
    changes_scope: str = ""  # what was searched: "nw-recs/serving, 24 h before onset"
    deploys_scope: str = ""  # where its deploys were searched ("": its kind declares none)
    deploys_note: str = ""  # why its deploys may be incomplete; "" when the lookup ran
    onset_errors: Any = None  # causes: atlas.health.errorburst.OnsetErrors (None: not looked up)
    points: dict[str, float] = field(default_factory=dict)  # causes: why they rank where they do
    shape: Shape = field(default_factory=Shape)  # its series: a clean step, flapping, or unknown

    @property
    def cause(self) -> str:
        """The cause a symptom's path starts from ("" for a cause or a path-less item)."""
        return self.path[0].upstream if self.path else ""

    @property
    def step_of(self) -> str:
        """The run a symptom is a failed step of, one hop below it ("" otherwise)."""
        return self.path[0].upstream if len(self.path) == 1 and self.path[0].relation == PART_OF else ""

    def to_json(self) -> dict[str, Any]:
        out = {
            "component": self.component,
            "status": self.status.value,
            "reason": self.reason,
            "role": self.role,
            "since": iso(self.since),
            "owner": self.owner,
            "oncall": self.oncall,
            "chat": self.chat,
            "runbook": self.runbook,
            "tier": self.tier,
            "series": self.shape.kind,
        }
        if self.shape.flapping:
            out["flapping_since"] = iso(self.shape.episode)
        if self.role == "cause":
            out["blast_radius"] = self.blast_radius
            out["changes"] = [c.to_json() for c in self.changes]
            out["changes_note"] = self.changes_note or None
            out["changes_scope"] = self.changes_scope or None
            if self.deploys_scope:
                out["deploys_scope"] = self.deploys_scope
                out["deploys_note"] = self.deploys_note or None
            out["errors_at_onset"] = (self.onset_errors.to_json() if self.onset_errors is not None
                                      else {"verdict": "unknown", "note": "not looked up"})
            out["symptoms"] = [s.to_json() for s in self.symptoms]
            out["at_risk"] = list(self.at_risk)
            out["rank_points"] = {k: round(v, 3) for k, v in self.points.items()}
        else:
            out["hops"] = self.hops
            out["cause"] = self.cause or None
            out["path"] = [h.to_json() for h in self.path]
        return out


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _components(snapshot: Any) -> Mapping[str, ComponentHealth]:
    """Accepts a HealthSnapshot or a plain {id: ComponentHealth} mapping."""
    return getattr(snapshot, "components", snapshot)


def _item(catalog: Catalog, graph: Any, health: ComponentHealth, role: str,
          downstream: dict[str, int] | None = None) -> TriageItem:
    cid = health.id
    comp = catalog.components.get(cid)
    team = catalog.teams.get(comp.owner) if comp and comp.owner else None
    return TriageItem(
        component=cid,
        status=health.status,
        reason=health.reason,
        role=role,
        owner=comp.owner if comp else "",
        runbook=comp.runbook if comp else None,
        # causes only: a symptom's downstream is inside its cause's, and a walk per
        # symptom of a thousand-component cascade costs more than the rest of triage
        blast_radius=len(downstream or ()),
        oncall=team.oncall if team else "",
        chat=team.chat if team else "",
        tier=comp.tier if comp else 2,
        since=health.since,
    )


def triage(catalog: Catalog, graph: Any, snapshot: Any, *, tolerance: float = DEFAULT_TOLERANCE,
           now: float | None = None, extra_causes: Any = ()) -> list[TriageItem]:
    """Causes, best first, each with its symptoms (nearest first) and at-risk components;
    then the unexplained failures (role "unexplained"), earliest first. `now`: the moment
    the statuses are for (default: the snapshot's `taken_at`). `extra_causes`: causes from
    outside the graph (a failing experiment), see `adopt`."""
    if now is None:
        now = getattr(snapshot, "taken_at", None) or None
    components = _components(snapshot)
    members = part_of(catalog)  # a step of a run is part of it, not downstream at risk of it
    onsets = Onsets(graph, components, tolerance, now=now, lag=detection.lags(catalog), part_of=members)
    key = graph.sort_key
    failing = sorted(onsets.failing, key=key)
    causes = [cid for cid in failing if not onsets.has_earlier_upstream(cid)]
    paths = _explain(onsets, failing, causes, key)

    below = {cid: graph.downstream(cid) for cid in causes}  # blast radius and at-risk, one walk
    items = {cid: _item(catalog, graph, components[cid], "cause", below[cid]) for cid in causes}
    for cid, item in items.items():
        item.shape = onsets.shapes.get(cid, item.shape)
    unexplained: list[TriageItem] = []
    for cid in failing:
        if cid in items:
            continue
        path = paths.get(cid, [])
        role = "unexplained" if not path or any(h.failed for h in path) else "symptom"
        item = _item(catalog, graph, components[cid], role)
        item.path, item.hops = path, len(path)
        item.shape = onsets.shapes.get(cid, item.shape)
        if role == "symptom":
            items[path[0].upstream].symptoms.append(item)
        else:
            unexplained.append(item)

    ranked = [items[c] for c in causes]
    for item in ranked:
        item.symptoms.sort(key=lambda s: (s.hops, _when(s.since), -s.status.severity, key(s.component)))
        item.at_risk = [
            d for d in below[item.component]
            if (d not in components or components[d].status in (Status.OK, Status.NO_DATA))
            and members.get(d) != item.component
        ]
    unexplained.sort(key=lambda s: (_when(s.since), key(s.component)))
    for extra in extra_causes:
        adopt(ranked, unexplained, *extra)
    return rank_causes(ranked, now, ranking_key(graph)) + unexplained


def ranking_key(graph: Any):
    """Data-flow order for `rank_causes`' last tie-break; an outside cause (a failing
    experiment) is no graph node and sorts before them."""
    return lambda c: graph.sort_key(c) if c in graph else (-1, c)


def adopt(ranked: list[TriageItem], unexplained: list[TriageItem], cause: TriageItem, component: str,
          window: float) -> bool:
    """An outside cause (a failing experiment, `cause`) takes `component` as its symptom
    when the component is a cause or unexplained here and their onsets are within `window`
    of each other; a component explained by a failure upstream keeps that explanation."""
    found = next((i for i in ranked + unexplained if i.component == component), None)
    if found is None or found.since is None or cause.since is None or abs(found.since - cause.since) > window:
        return False
    (ranked if found in ranked else unexplained).remove(found)
    cause.symptoms.append(found)
    cause.symptoms.extend(found.symptoms)
    found.symptoms, found.role, found.hops = [], "symptom", 1
    cause.role = "cause"
    ranked.append(cause)
    return True


# Errors at onset (`atlas.health.errorburst`) are shown under each cause, not weighed: as one
# point they cost 1.8 to 3.6 points of top-1 on replayed incidents at every seed
# (benchmarks/bench_triage.py prints the figure). A second, unrelated fault logs as often
# as the first, and 4 faults in 10 are in topics, subscriptions or datasets, which have no
# logs of their own: the point separates a fault from drift (severity does that already),
# not one fault from another.
ERRORS_POINT = 0.0


def points(item: TriageItem, now: float | None, errors_point: float = ERRORS_POINT) -> dict[str, float]:
    """Evidence that a cause is what broke, and how much it matters, in points a person can
    check: severity (CRIT 2, WARN or STALE 1), the symptoms it explains (log2(1 + n) / 2:
    0.5 for one, 1 for three, 2 for fifteen), a change merged before its onset (1),
    freshness (2 when it just began, falling to 0 after a day, 0 when the onset is unknown;
    a flapping cause counts from when its on-and-off episode began, as its `since` is only
    its latest flip, and 0 when it flapped all day), and the catalog's tier (1: 0.5, 2:
    0.25, 3: 0; a tier-1 CRIT failing for two days stays above a fresh WARN backlog of a
    tier-3 queue; on replayed incidents, where the fault's tier is random, it costs a
    fraction of a point of top-1).

    Two weights were set on replayed incidents (benchmarks/bench_triage.py) and say so:
    freshness weighs as much as a CRIT (with 1, day-old background failures with one
    symptom of their own outranked a fresh fault), and symptoms count half (with a full
    point each doubling, a WARN that spilled onto one neighbour outranked a CRIT that
    followed a change: an unrelated failure spreads too, and a fault's own symptoms may not
    show yet, its batch dependents running later). Set on two seeds, checked on four others."""
    fresh = 0.0
    onset = item.shape.episode if item.shape.flapping else item.since
    if now is not None and onset is not None:
        fresh = 2.0 * min(1.0, max(0.0, 1.0 - (now - onset) / FRESH))
    out = {
        "severity": 2.0 if item.status is Status.CRIT else 1.0,
        "symptoms": 0.5 * math.log2(1 + len(item.symptoms)),
        "change": 1.0 if item.changes else 0.0,
        "fresh": fresh,
        "tier": 0.25 * max(0, 3 - item.tier),
    }
    if errors_point:  # a what-if of the replay benchmark; not weighed in the product (above)
        out["errors"] = errors_point if item.onset_errors is not None and item.onset_errors.burst else 0.0
    return out


def rank_causes(items: list[TriageItem], now: float | None, key=None,
                errors_point: float = ERRORS_POINT) -> list[TriageItem]:
    """Causes by evidence points (then earliest onset, blast radius, tier); anything else
    keeps its place after them. Run again once `changes` are attached."""
    causes = [i for i in items if i.role == "cause"]
    rest = [i for i in items if i.role != "cause"]
    for item in causes:
        item.points = points(item, now, errors_point)

    def rank(item: TriageItem) -> tuple:
        tie = key(item.component) if key is not None else (0, item.component)
        return (-round(sum(item.points.values()), 9), _when(item.since), -item.blast_radius, item.tier, tie)

    return sorted(causes, key=rank) + rest


def _when(since: float | None) -> float:
    return INF if since is None else since


def _explain(onsets: Onsets, failing: list[str], causes: list[str], key) -> dict[str, list[Hop]]:
    """The chain from a cause to every other failing component: a clean chain when one
    exists, otherwise the one that came closest (its failed check shows why).

    Each failing component hangs under the nearest failing component above it (through
    components without data) that has a chain itself; clean parents first, then the
    nearest, then the one that began first. Failing components that no chain reaches at
    all (a cycle of failures) promote their earliest member to a cause (appended to
    `causes`), so nothing failing is ever left out."""
    paths: dict[str, list[Hop]] = {c: [] for c in causes}
    clean = set(causes)
    nearest = {cid: onsets.nearest_failing(cid) for cid in failing if cid not in paths}
    order = sorted(nearest, key=lambda c: (_when(onsets.since.get(c)), key(c)))

    tails: dict[tuple[str, str], tuple[list[Hop], bool]] = {}

    def tail(cid: str, parent: str, chain: list[str]) -> tuple[list[Hop], bool]:
        got = tails.get((cid, parent))
        if got is None:
            hops = onsets.hops(chain)
            got = tails[(cid, parent)] = (hops, any(h.failed for h in hops))
        return got

    def best(cid: str, only_clean: bool) -> list[Hop] | None:
        found = None
        for parent, chain in nearest[cid]:
            if parent not in paths or (only_clean and parent not in clean):
                continue
            hops, failed = tail(cid, parent, chain)
            # a settled parent that is not clean has a failed check on its own chain
            score = (failed or parent not in clean, len(chain), _when(onsets.since.get(parent)), key(parent))
            if found is None or score < found[0]:
                found = (score, parent, hops)
        if found is None or (only_clean and found[0][0]):
            return None
        return paths[found[1]] + found[2]

    def settle(only_clean: bool) -> None:
        """Chains for everyone still without one, to a fixed point: a parent may be settled
        after its child when their onsets are within the tolerance."""
        changed = True
        while changed:
            changed = False
            for cid in order:
                if cid in (clean if only_clean else paths):
                    continue
                hops = best(cid, only_clean)
                if hops is not None:
                    paths[cid] = hops
                    if only_clean:
                        clean.add(cid)
                    changed = True

    while True:
        settle(only_clean=True)  # clean chains first
        settle(only_clean=False)  # then the closest failed chain for the rest
        orphans = [cid for cid in order if cid not in paths]
        if not orphans:
            return paths
        first = orphans[0]  # earliest onset first (then data-flow order)
        causes.append(first)
        paths[first] = []
        clean.add(first)
        for cid in order:  # a promoted cause may give cleaner chains to the settled ones
            if cid in paths and cid not in clean:
                del paths[cid]


def flatten(items: list[TriageItem]) -> list[TriageItem]:
    """Causes with their symptoms right after them, then the unexplained: the row order of a
    triage table."""
    out: list[TriageItem] = []
    for item in items:
        out.append(item)
        out.extend(item.symptoms)
    return out
