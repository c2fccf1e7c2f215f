"""Onset order on the dependency graph: which failure started first, and along what chain.

Pure: no I/O. A failure travels down the dependencies, through components that deviate
(WARN, CRIT, STALE) or that cannot be seen (NO_DATA, ERROR, not in the snapshot). A
component whose signals say OK breaks the chain: whatever happened upstream did not
visibly pass through it, so it does not explain a failure below it. Unless that OK is too
young to count: its signals could not yet show a failure that reached it before the one
below began (`atlas.health.detection`); then it is one atlas cannot see into.

A failing step of a Kubeflow recurring run is PART OF that run (`atlas.catalog.runs`, from
the labels both carry): the steps before it that succeeded did their part, so they do not
break the chain between the run and it. Its run is one hop above it (relation "part_of")
wherever the step sits in the run's chain of steps; a step that did not fail gets no such
hop (a failure below it travels through it as through any component).

Each hop of a chain is checked three ways; a check is "pass", "fail" or "unknown" (a
check that could not run, e.g. no onset time, never says pass):
- follows_graph: the downstream end depends on the upstream end in the catalog, or is a
  failing step that is part of it;
- node_deviates: the downstream end is failing (unknown when it has no data);
- upstream_onset_first: the nearest failing component above on the chain began failing
  before the downstream end (within `tolerance`, for ingestion delay).

A flapping component (see `atlas.health.series`) is ordered by when its on-and-off episode
began, not by its latest flip; when it flapped all through its window, that is unknown. But a flapping WARN does not explain a steady CRIT below it:
a value crossing its warn line back and forth is weak evidence of a hard, clean failure
downstream, and its earlier crossings in the window did not break the CRIT then.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from atlas.health.model import ComponentHealth, Status
from atlas.health.series import STEP, Shape, shape

# Seconds by which a downstream onset may precede its upstream's and still count as
# "after": metrics land late (Pub/Sub up to ~3 min of ingestion delay, plus one 60 s
# alignment period), so onsets closer than this cannot be ordered.
DEFAULT_TOLERANCE = 300.0

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
DEPENDS_ON, PART_OF = "depends_on", "part_of"  # what a hop's upstream end is to its downstream end


def came_first(upstream: float | None, downstream: float | None, tolerance: float) -> str:
    """PASS when `upstream` began no later than `downstream` (+ tolerance); UNKNOWN when
    either time is missing."""
    if upstream is None or downstream is None:
        return UNKNOWN
    return PASS if upstream <= downstream + tolerance else FAIL


@dataclass(slots=True, frozen=True)
class Hop:
    upstream: str
    downstream: str
    follows_graph: str
    node_deviates: str
    upstream_onset_first: str
    relation: str = DEPENDS_ON  # PART_OF: the downstream end is a step of the upstream run

    @property
    def checks(self) -> tuple[str, str, str]:
        return (self.follows_graph, self.node_deviates, self.upstream_onset_first)

    @property
    def failed(self) -> bool:
        return FAIL in self.checks

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.upstream,
            "to": self.downstream,
            "checks": {
                "follows_graph": self.follows_graph,
                "node_deviates": self.node_deviates,
                "upstream_onset_first": self.upstream_onset_first,
            },
            "relation": self.relation,
        }


class Onsets:
    """Statuses and onsets of one snapshot, read against the graph."""

    def __init__(self, graph: Any, components: Mapping[str, ComponentHealth], tolerance: float = DEFAULT_TOLERANCE,
                 *, now: float | None = None, lag: Callable[[str], float] | None = None,
                 part_of: Mapping[str, str] | None = None):
        """`part_of`: {step id: recurring-run component id} (`atlas.catalog.runs.part_of`)."""
        self.graph = graph
        self.tolerance = tolerance
        self.now = now  # the moment the statuses are for; with `lag`, an OK may be too young to count
        self.lag = lag  # component id -> its detection lag (atlas.health.detection)
        self.status: dict[str, Status] = {cid: h.status for cid, h in components.items()}
        self.since: dict[str, float | None] = {cid: h.since for cid, h in components.items()}
        self.failing = {cid for cid, st in self.status.items() if st.failing and cid in graph}
        self.shapes: dict[str, Shape] = {cid: shape(components[cid]) for cid in self.failing}
        for cid, sh in self.shapes.items():
            if sh.flapping:  # failing on and off since then (None: since before the window)
                self.since[cid] = sh.episode
        # only a failing step hangs straight under its run: one that is OK or did not run
        # stays where its dependencies put it
        self.run_of = {step: run for step, run in (part_of or {}).items()
                       if step in self.failing and run in graph}
        self._deps: dict[str, list[str]] = {}

    def deps(self, cid: str) -> list[str]:
        """What `cid` depends on, and the run a failing step is part of."""
        out = self._deps.get(cid)
        if out is None:
            out = self.graph.dependencies(cid)
            run = self.run_of.get(cid)
            if run is not None and run not in out:
                out = [*out, run]
            self._deps[cid] = out
        return out

    def passable(self, cid: str, since: float | None = None) -> bool:
        """Can a failure travel through this component, on its way to one that began failing
        at `since`? Not when its signals say OK, unless they cannot have shown it yet."""
        return self.status.get(cid) is not Status.OK or self.unseen(cid, since)

    def unseen(self, cid: str, since: float | None) -> bool:
        """Is this OK too young to count? A failure that reached a component below it by
        `since` may not show in its signals before `since` + its detection lag (a BigQuery
        storage metric: up to 6 h), so an OK read before then says nothing."""
        if self.lag is None or self.now is None or since is None:
            return False
        return self.now - since < self.lag(cid)

    def deviates(self, cid: str, since: float | None = None) -> str:
        status = self.status.get(cid)
        if status is None or status in (Status.NO_DATA, Status.ERROR):
            return UNKNOWN
        if status is Status.OK and self.unseen(cid, since):
            return UNKNOWN  # its signals cannot show it yet
        return PASS if status.failing else FAIL

    def has_earlier_upstream(self, cid: str) -> bool:
        """Is a failing component upstream, reachable through passable ones, that began
        before `cid` (or whose order cannot be told)? Then `cid` is not a cause."""
        since = self.since.get(cid)
        seen = {cid}
        queue = deque(self.deps(cid))
        seen.update(queue)
        while queue:
            u = queue.popleft()
            if not self.passable(u, since):
                continue
            if (u in self.failing and came_first(self.since.get(u), since, self.tolerance) != FAIL
                    and not self.flaps_above_steady(u, cid)):
                return True
            for d in self.deps(u):
                if d not in seen:
                    seen.add(d)
                    queue.append(d)
        return False

    def flaps_above_steady(self, upstream: str, downstream: str) -> bool:
        """A flapping WARN above a steady CRIT: not its explanation (see the module doc)."""
        return (self.status.get(upstream) is Status.WARN and self.shapes[upstream].flapping
                and self.status.get(downstream) is Status.CRIT and self.shapes[downstream].kind == STEP)

    def nearest_failing(self, cid: str) -> list[tuple[str, list[str]]]:
        """The failing components first met going upstream through components that are
        passable but not failing, each with the chain down to `cid`: (p, [p, ..., cid]),
        nearest first."""
        parent: dict[str, str] = {}
        found: list[str] = []
        queue = deque([cid])
        seen = {cid}
        since = self.since.get(cid)
        while queue:
            v = queue.popleft()
            for u in self.deps(v):
                if u in seen or not self.passable(u, since):
                    continue
                seen.add(u)
                parent[u] = v
                if u in self.failing:
                    found.append(u)  # a hop ends at a failing component: do not walk past it
                else:
                    queue.append(u)
        out = []
        for p in found:
            chain = [p]
            while chain[-1] != cid:
                chain.append(parent[chain[-1]])
            out.append((p, chain))
        return out

    def hops(self, chain: list[str]) -> list[Hop]:
        """The checked hops of a chain (upstream first, starting at a failing component):
        each failing node's onset is compared with the nearest failing node above it."""
        out = []
        last = chain[0] if chain[0] in self.failing else None
        end = self.since.get(chain[-1])
        for up, down in zip(chain, chain[1:]):
            graph_ok = PASS if up in self.deps(down) else FAIL
            deviates = self.deviates(down, end)
            if down in self.failing:
                first = came_first(self.since.get(last), self.since.get(down), self.tolerance) if last else UNKNOWN
                if last and self.flaps_above_steady(last, down):
                    first = FAIL
                last = down
            else:
                first = UNKNOWN  # no onset of its own to compare
            relation = PART_OF if self.run_of.get(down) == up else DEPENDS_ON
            out.append(Hop(up, down, graph_ok, deviates, first, relation))
        return out
