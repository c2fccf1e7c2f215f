"""At 10k components the graph builds and answers: every component in it, a hub's blast
radius reaching most of the catalog, a full topological order. How fast is measured by
benchmarks/bench_catalog.py (figures against a floor of the same run), not asserted here."""

from __future__ import annotations

import random

from atlas.catalog.model import Component, System
from atlas.graph import CatalogGraph

from .catalogs import catalog_of


def big_catalog(n: int = 10_000, systems: int = 20, seed: int = 3):
    rng = random.Random(seed)
    ids = [f"comp-{i:05d}" for i in range(n)]
    system_ids = [f"system-{s:02d}" for s in range(systems)]
    components = []
    for i, cid in enumerate(ids):
        # Mostly local dependencies, a few long ones, and component 0..9 as hubs.
        deps = {ids[rng.randrange(max(0, i - 300), i)] for _ in range(rng.randint(0, 3))} if i else set()
        if i > 10 and rng.random() < 0.05:
            deps.add(ids[rng.randrange(10)])
        components.append(
            Component(id=cid, kind="dataflow_job", system=system_ids[i * systems // n], depends_on=tuple(sorted(deps)))
        )
    return catalog_of(components, systems=[System(id=s, order=k) for k, s in enumerate(system_ids)])


def test_ten_thousand_components_build_and_answer_blast_radius():
    catalog = big_catalog()
    graph = CatalogGraph(catalog)
    assert len(graph) == 10_000
    for cid in random.Random(5).sample(sorted(catalog.components), 200):
        blast = graph.blast_radius(cid)
        assert all(blast.affected[d] == 1 for d in graph.dependents(cid))  # direct dependents: 1 hop
    hub = graph.blast_radius("comp-00000")
    assert hub.size > 5_000  # a hub at the top reaches most of the catalog
    assert len(graph.topological_order()) == 10_000
